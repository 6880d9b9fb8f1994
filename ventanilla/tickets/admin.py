from django.contrib import admin

from ventanilla.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ventanilla.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketLink,
)


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "kind", "author_user", "author_contact", "body_text"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["filename", "content_type", "size", "url"]


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["created_at", "actor_label", "kind", "field", "old", "new"]


class LinkInline(ReadOnlyInline):
    model = TicketLink
    fk_name = "source"
    fields = ["kind", "target"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "subject",
        "pipeline",
        "stage",
        "priority",
        "owner",
        "requester",
        "created_at",
    ]
    list_filter = ["pipeline", "stage__kind", "priority", "scope", "channel", "owner"]
    list_select_related = ["pipeline", "stage", "priority", "owner", "requester"]
    search_fields = ["=number", "subject", "requester__email"]
    date_hierarchy = "created_at"
    inlines = [MessageInline, AttachmentInline, LinkInline, EventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "ticket",
        "actor_label",
        "kind",
        "field",
        "old",
        "new",
    ]
    list_filter = ["kind", "actor_type"]
    list_select_related = ["ticket"]
