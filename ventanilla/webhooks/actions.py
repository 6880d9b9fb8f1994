"""Writes of webhooks: fan an audit entry out to its subscribers, send one
attempt, and schedule retries with exponential back-off."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import time
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ventanilla.tickets.models import Message, TicketEvent
from ventanilla.webhooks import transport
from ventanilla.webhooks.events import payload_for, webhook_event_for
from ventanilla.webhooks.guard import AddressRefused, resolve
from ventanilla.webhooks.models import Delivery, DeliveryStatus, Subscription
from ventanilla.webhooks.signing import HEADER, signature

logger = logging.getLogger(__name__)
USER_AGENT = "Ventanilla-Webhooks/1"


def subscribers(name: str) -> list[Subscription]:
    """Active subscriptions to event ``name`` (a JSON list holds the names;
    filtered in Python so SQLite and PostgreSQL behave the same)."""
    return [s for s in Subscription.objects.filter(is_active=True) if name in s.events]


@transaction.atomic
def dispatch_ticket_event(event_id: int) -> list[int]:
    """Create one pending delivery per subscriber of the entry's webhook
    event; returns their ids (the caller enqueues them)."""
    event = (
        TicketEvent.objects.select_related(
            "ticket__pipeline",
            "ticket__stage",
            "ticket__priority",
            "ticket__owner",
            "ticket__team",
            "ticket__requester",
            "ticket__company",
        )
        .filter(pk=event_id)
        .first()
    )
    name = webhook_event_for(event.kind) if event is not None else None
    if event is None or name is None:
        return []
    targets = subscribers(name)
    if not targets:
        return []
    message = None
    message_id = event.data.get("message_id")
    if isinstance(message_id, int):
        message = (
            Message.objects.select_related("author_user", "author_contact")
            .filter(pk=message_id)
            .first()
        )
    payload = json.loads(
        json.dumps(payload_for(event, name, message), cls=DjangoJSONEncoder)
    )
    event_uuid = uuid.uuid4()
    return [
        Delivery.objects.create(
            subscription=subscription,
            event_id=event_uuid,
            event=name,
            payload=payload,
        ).pk
        for subscription in targets
    ]


def _backoff(attempt: int) -> dt.timedelta:
    """30 s, 60 s, 120 s... after the 1st, 2nd, 3rd failed attempt."""
    base = settings.VENTANILLA_WEBHOOKS_RETRY_BASE_SECONDS
    return dt.timedelta(seconds=base * 2 ** (attempt - 1))


def send(delivery_id: int) -> Delivery | None:
    """Make one attempt; safe to call twice (only a pending row is sent).

    1. Claim the pending row (a conditional UPDATE), so two workers never
       send the same attempt.
    2. Check the address (``guard``): a refused address is final.
    3. POST the signed body; 2xx is delivered. Anything else, or no answer,
       fails: with attempts left the row gets ``next_attempt_at``.
    """
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, sent_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    started = time.monotonic()
    fields: dict[str, object] = {}
    try:
        target = resolve(subscription.url)
        stamp = int(time.time())
        reply = transport.post(
            target,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Ventanilla-Event": delivery.event,
                "X-Ventanilla-Delivery": str(delivery.event_id),
                "X-Ventanilla-Attempt": str(delivery.attempt),
                HEADER: signature(subscription.secret, stamp, body),
            },
            timeout=settings.VENTANILLA_WEBHOOKS_TIMEOUT_SECONDS,
        )
    except AddressRefused as refused:
        fields = {"status": DeliveryStatus.REFUSED, "error": str(refused)[:500]}
    except (OSError, http.client.HTTPException) as error:
        fields = {"error": f"{type(error).__name__}: {error}"[:500]}
    else:
        fields = {"response_status": reply.status}
        if 200 <= reply.status < 300:
            fields["status"] = DeliveryStatus.SUCCEEDED
        else:
            fields["error"] = f"HTTP {reply.status}"
    fields["duration_ms"] = int((time.monotonic() - started) * 1000)
    if "status" not in fields:
        if delivery.attempt < settings.VENTANILLA_WEBHOOKS_MAX_ATTEMPTS:
            fields["status"] = DeliveryStatus.FAILED
            fields["next_attempt_at"] = timezone.now() + _backoff(delivery.attempt)
        else:
            fields["status"] = DeliveryStatus.GAVE_UP
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.save(update_fields=list(fields))
    logger.info(
        "webhook %s to %s attempt %s: %s %s",
        delivery.event,
        subscription.url,
        delivery.attempt,
        delivery.status,
        delivery.response_status or delivery.error,
    )
    return delivery


def take_retry(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """The next attempt of a failed delivery that is due, created once.

    Claimed with a conditional UPDATE on ``retried_at``, so the retry job
    and the periodic sweep never both create it.
    """
    with transaction.atomic():
        claimed = Delivery.objects.filter(
            pk=delivery_id,
            status=DeliveryStatus.FAILED,
            retried_at__isnull=True,
            next_attempt_at__lte=now,
        ).update(retried_at=now)
        if not claimed:
            return None
        failed = Delivery.objects.get(pk=delivery_id)
        if not Subscription.objects.filter(
            pk=failed.subscription_id, is_active=True
        ).exists():
            return None
        return Delivery.objects.create(
            subscription_id=failed.subscription_id,
            event_id=failed.event_id,
            event=failed.event,
            payload=failed.payload,
            attempt=failed.attempt + 1,
        )


def due_retries(now: dt.datetime, *, limit: int = 100) -> list[int]:
    """Failed deliveries whose next attempt is due and not yet taken."""
    return list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.FAILED)
            & Q(retried_at__isnull=True)
            & Q(next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
