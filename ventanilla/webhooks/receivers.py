"""Every audit entry of a ticket may be a webhook event: its fan-out is
queued with the change (``core.queueing``), so it runs once the change
commits and never for a rolled-back action."""

from __future__ import annotations

from collections.abc import Sequence

from ventanilla.core.configuration import Kept
from ventanilla.core.queueing import queue_with_change
from ventanilla.tickets.models import TicketEvent
from ventanilla.webhooks.events import webhook_event_for


def event_recorded(instance: TicketEvent) -> None:
    """Called by ``tickets.actions`` for every new audit entry."""
    if webhook_event_for(instance.kind) is None:
        return
    event_id = instance.pk
    queue_with_change(lambda: _enqueue(event_id))


def events_recorded(instances: Sequence[TicketEvent]) -> None:
    """``event_recorded`` for entries written together: one check for
    subscribers once they commit, not one per entry."""
    ids = [e.pk for e in instances if webhook_event_for(e.kind) is not None]
    if ids:
        queue_with_change(lambda: _enqueue_many(ids))


def _subscribed() -> bool:
    from ventanilla.webhooks.models import Subscription

    return Subscription.objects.filter(is_active=True).exists()


# Whether anyone subscribes to anything, kept while the configuration stamp
# holds (subscriptions are watched by ``core.configuration``).
SUBSCRIBED = Kept(_subscribed)


def _enqueue_many(event_ids: Sequence[int]) -> None:
    from ventanilla.webhooks.jobs import dispatch

    if SUBSCRIBED.get():
        for event_id in event_ids:
            dispatch.enqueue(event_id)


def _enqueue(event_id: int) -> None:
    """Queue the fan-out, unless nobody subscribes to anything (no job per
    audit entry then)."""
    _enqueue_many([event_id])
