"""Which webhook event a ticket's audit entry is, and what it carries.

Pure functions: the trail (TicketEvent) is the source, so every write that
goes through ``tickets.actions`` is seen, whatever entered it.
"""

from __future__ import annotations

from typing import Any

from ventanilla.tickets.models import EventKind, Message, Ticket, TicketEvent
from ventanilla.webhooks.models import WebhookEvent

_KINDS: dict[str, WebhookEvent] = {
    EventKind.CREATED: WebhookEvent.TICKET_CREATED,
    EventKind.MESSAGE_ADDED: WebhookEvent.MESSAGE_CREATED,
    EventKind.REPLY_ADDED: WebhookEvent.MESSAGE_CREATED,
    EventKind.NOTE_ADDED: WebhookEvent.MESSAGE_CREATED,
    EventKind.STAGE_CHANGED: WebhookEvent.TICKET_UPDATED,
    EventKind.PIPELINE_CHANGED: WebhookEvent.TICKET_UPDATED,
    EventKind.FIELD_CHANGED: WebhookEvent.TICKET_UPDATED,
    EventKind.LINKED: WebhookEvent.TICKET_UPDATED,
    EventKind.MERGED_INTO: WebhookEvent.TICKET_UPDATED,
    EventKind.MERGED_FROM: WebhookEvent.TICKET_UPDATED,
    EventKind.SLA_BREACHED: WebhookEvent.TICKET_SLA_BREACHED,
}


def webhook_event_for(kind: str) -> WebhookEvent | None:
    """The webhook event of a trail entry's kind; None for entries no
    subscriber is told about (attachments travel with their message)."""
    return _KINDS.get(kind)


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "pipeline": ticket.pipeline.name,
        "stage": ticket.stage.name,
        "stage_kind": ticket.stage.kind,
        "priority": ticket.priority.name if ticket.priority else None,
        "owner": ticket.owner.get_username() if ticket.owner else None,
        "team": ticket.team.name if ticket.team else None,
        "requester": ticket.requester.email if ticket.requester else None,
        "company": ticket.company.name if ticket.company else None,
        "channel": ticket.channel,
        "version": ticket.version,
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": str(message.author_user or message.author_contact or ""),
        "body_text": message.body_text,
        "created_at": message.created_at.isoformat(),
    }


def payload_for(
    event: TicketEvent, name: WebhookEvent, message: Message | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event": str(name),
        "occurred_at": event.created_at.isoformat(),
        "ticket": _ticket(event.ticket),
        "change": {
            "kind": event.kind,
            "field": event.field,
            "old": event.old,
            "new": event.new,
            "actor": event.actor_label,
        },
    }
    if message is not None:
        body["message"] = _message(message)
    return body
