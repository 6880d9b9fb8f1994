"""Background jobs of webhooks; they take ids (ARCHITECTURE rule 8)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import default_task_backend, task

from ventanilla.webhooks import actions
from ventanilla.webhooks.models import DeliveryStatus


def enqueue_delivery(delivery_id: int) -> None:
    deliver.enqueue(delivery_id)


@task()
def dispatch(event_id: int) -> int:
    """Fan one audit entry out to its subscribers."""
    ids = actions.dispatch_ticket_event(event_id)
    for delivery_id in ids:
        enqueue_delivery(delivery_id)
    return len(ids)


@task()
def deliver(delivery_id: int) -> str:
    """One attempt; a failure with attempts left schedules the retry."""
    delivery = actions.send(delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at:
        schedule_retry(delivery.pk, delivery.next_attempt_at)
    return str(delivery.status)


def schedule_retry(delivery_id: int, when: dt.datetime) -> None:
    """On a backend that can defer (the database worker), at ``when``;
    otherwise ``retry_due_deliveries`` picks it up."""
    if default_task_backend.supports_defer:
        retry.using(run_after=when).enqueue(delivery_id)


@task()
def retry(delivery_id: int) -> str:
    following = actions.take_retry(delivery_id, timezone.now())
    if following is None:
        return "skipped"
    return deliver.call(following.pk)


def retry_due_deliveries(now: dt.datetime, slot: dt.datetime | None = None) -> int:
    """The sweep for retries a worker missed (a periodic job's signature:
    ``(now, slot)``)."""
    count = 0
    for delivery_id in actions.due_retries(now):
        following = actions.take_retry(delivery_id, now)
        if following is not None:
            deliver.enqueue(following.pk)
            count += 1
    return count
