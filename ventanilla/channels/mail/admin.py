from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ventanilla.channels.mail.actions import retry_inbound
from ventanilla.channels.mail.models import InboundMessage, Mailbox
from ventanilla.core.admin import ReadOnlyAdmin
from ventanilla.core.errors import ActionRefused


@admin.register(Mailbox)
class MailboxAdmin(ReadOnlyAdmin):
    list_display = ["address", "name", "pipeline", "is_connected", "imap_host"]
    list_select_related = ["pipeline"]
    exclude = ["imap_password", "inbound_token"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    """Every raw message received; filter by outcome for the quarantine."""

    list_display = [
        "received_at",
        "mailbox",
        "sender",
        "subject",
        "outcome",
        "reason",
        "ticket",
    ]
    list_filter = ["outcome", "mailbox", "via"]
    list_select_related = ["mailbox", "ticket"]
    search_fields = ["sender", "subject", "message_id", "=sha256"]
    exclude = ["raw"]
    actions = ["retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return super().get_queryset(request).defer("raw")

    @admin.action(description=_("Process again (after a fix)"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        for inbound in queryset:
            try:
                result = retry_inbound(inbound)
            except ActionRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
                continue
            self.message_user(
                request, f"{inbound.sender}: {result.outcome} #{result.ticket or '-'}"
            )
