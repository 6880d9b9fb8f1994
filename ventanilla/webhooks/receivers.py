"""Every audit entry of a ticket may be a webhook event: once its
transaction commits, the fan-out is enqueued (never before: a rolled-back
action tells nobody)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ventanilla.tickets.models import TicketEvent
from ventanilla.webhooks.events import webhook_event_for


def event_recorded(instance: TicketEvent) -> None:
    """Called by ``tickets.actions`` for every new audit entry."""
    if webhook_event_for(instance.kind) is None:
        return
    event_id = instance.pk
    transaction.on_commit(lambda: _enqueue(event_id))


def events_recorded(instances: Sequence[TicketEvent]) -> None:
    """``event_recorded`` for entries written together: one check for
    subscribers once they commit, not one per entry."""
    ids = [e.pk for e in instances if webhook_event_for(e.kind) is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue_many(ids))


def _enqueue_many(event_ids: Sequence[int]) -> None:
    from ventanilla.webhooks.jobs import dispatch
    from ventanilla.webhooks.models import Subscription

    if Subscription.objects.filter(is_active=True).exists():
        for event_id in event_ids:
            dispatch.enqueue(event_id)


def _enqueue(event_id: int) -> None:
    """Queue the fan-out, unless nobody subscribes to anything (one cheap
    query instead of a job per audit entry)."""
    _enqueue_many([event_id])
