from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ventanilla.channels.mail import actions as mail_actions
from ventanilla.channels.mail.actions import retry_inbound
from ventanilla.channels.mail.models import InboundMessage, Mailbox
from ventanilla.core.admin import ConfigAdmin, ReadOnlyAdmin
from ventanilla.core.errors import ActionRefused


class MailboxForm(forms.ModelForm):  # type: ignore[type-arg]
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "address",
            "name",
            "pipeline",
            "is_connected",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_username",
            "imap_folder",
            "imap_done_folder",
        ]


@admin.register(Mailbox)
class MailboxAdmin(ConfigAdmin):
    """Mailboxes are edited through ``channels.mail.actions``; the IMAP
    password is write-only and the hook's secret is rotated, never typed."""

    form = MailboxForm
    list_display = ["address", "name", "pipeline", "is_connected", "imap_host"]
    list_select_related = ["pipeline"]
    readonly_fields = ["inbound_url", "imap_uidvalidity", "imap_last_uid"]
    fieldsets = [
        (None, {"fields": ["address", "name", "pipeline", "is_connected"]}),
        (
            _("IMAP account"),
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_ssl",
                    "imap_username",
                    "imap_password",
                    "imap_folder",
                    "imap_done_folder",
                    "imap_uidvalidity",
                    "imap_last_uid",
                ]
            },
        ),
        (_("HTTP hook"), {"fields": ["inbound_url"]}),
    ]
    actions = ["rotate_token"]

    @admin.display(description=_("inbound URL"))
    def inbound_url(self, obj: Mailbox) -> str:
        if not obj.pk:
            return "-"
        return reverse("mail:inbound", args=[obj.inbound_token])

    def save_model(
        self, request: HttpRequest, obj: Mailbox, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        basics = {
            key: data[key] for key in ("address", "name", "pipeline", "is_connected")
        }
        # The form has already copied its values onto ``obj``; the actions
        # compare against what is stored.
        mailbox = (
            mail_actions.update_mailbox(Mailbox.objects.get(pk=obj.pk), **basics)
            if change
            else mail_actions.create_mailbox(**basics)
        )
        obj.pk = mailbox.pk
        if data["imap_host"] or mailbox.imap_host:
            mail_actions.set_imap(
                mailbox,
                host=data["imap_host"],
                username=data["imap_username"],
                password=data["imap_password"],
                port=data["imap_port"],
                ssl=data["imap_ssl"],
                folder=data["imap_folder"],
                done_folder=data["imap_done_folder"],
            )

    @admin.action(description=_("New secret for the HTTP hook"))
    def rotate_token(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            mail_actions.rotate_inbound_token(mailbox)
        self.message_user(
            request,
            _("%(count)d mailboxes have a new hook URL.") % {"count": len(queryset)},
        )


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
