"""Every audit entry of a ticket may be a webhook event: once its
transaction commits, the fan-out is enqueued (never before: a rolled-back
action tells nobody)."""

from __future__ import annotations

from django.db import transaction

from ventanilla.tickets.models import TicketEvent
from ventanilla.webhooks.events import webhook_event_for


def event_recorded(instance: TicketEvent) -> None:
    """Called by ``tickets.actions`` for every new audit entry."""
    if webhook_event_for(instance.kind) is None:
        return
    event_id = instance.pk
    transaction.on_commit(lambda: _enqueue(event_id))


def _enqueue(event_id: int) -> None:
    """Queue the fan-out, unless nobody subscribes to anything (one cheap
    query instead of a job per audit entry)."""
    from ventanilla.webhooks.jobs import dispatch
    from ventanilla.webhooks.models import Subscription

    if Subscription.objects.filter(is_active=True).exists():
        dispatch.enqueue(event_id)
