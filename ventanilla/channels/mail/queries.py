"""Reads of the mail channel."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ventanilla.channels.mail.models import InboundMessage, Mailbox, Outcome


def mailbox_for_address(address: str) -> Mailbox | None:
    return (
        Mailbox.objects.select_related("pipeline")
        .filter(address__iexact=address.strip())
        .first()
    )


def mailbox_for_token(token: str) -> Mailbox | None:
    if not token:
        return None
    return (
        Mailbox.objects.select_related("pipeline").filter(inbound_token=token).first()
    )


def quarantined() -> QuerySet[InboundMessage]:
    """Stored messages that became no ticket message, with their reasons."""
    return (
        InboundMessage.objects.filter(
            outcome__in=[Outcome.QUARANTINED, Outcome.SUPPRESSED]
        )
        .select_related("mailbox", "ticket")
        .defer("raw")
        .order_by("-received_at", "-id")
    )


RECONCILIATION_COLUMNS = (
    "address",
    "received",
    "created",
    "appended",
    "quarantined",
    "suppressed",
    "pending",
)


def reconciliation() -> list[dict[str, object]]:
    """Per mailbox: messages in, and what became of them (R-CAP-5)."""

    def counted(outcome: Outcome) -> Count:
        return Count("inbound_messages", filter=Q(inbound_messages__outcome=outcome))

    return list(
        Mailbox.objects.annotate(
            received=Count("inbound_messages"),
            created=counted(Outcome.CREATED),
            appended=counted(Outcome.APPENDED),
            quarantined=counted(Outcome.QUARANTINED),
            suppressed=counted(Outcome.SUPPRESSED),
            pending=counted(Outcome.RECEIVED),
        )
        .order_by("address")
        .values(*RECONCILIATION_COLUMNS)
    )
