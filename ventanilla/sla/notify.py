"""Mail to the people an SLA warning or breach concerns: the ticket's owner
and the lead of its team (R-SLA-3)."""

from __future__ import annotations

import logging

from django.conf import settings

from ventanilla.jobs.emails import make_message
from ventanilla.sla.events import FIELD, LEVEL_LABELS, TARGET_LABELS
from ventanilla.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


def recipients(event: TicketEvent) -> list[str]:
    ticket = event.ticket
    people = [ticket.owner, ticket.team.lead if ticket.team else None]
    found: list[str] = []
    for person in people:
        email = person.email.lower() if person and person.is_active else ""
        if email and email not in found:
            found.append(email)
    return found


def deliver_sla_notice(event_id: int) -> int:
    """Send the notice of one SLA event; returns the number of recipients.

    Safe to run twice in the sense that it never fails on a deleted ticket;
    a second run sends the mail again (the scan enqueues it once).
    """
    event = (
        TicketEvent.objects.select_related(
            "ticket__owner",
            "ticket__team__lead",
            "ticket__pipeline",
            "ticket__priority",
        )
        .filter(pk=event_id, field=FIELD)
        .first()
    )
    if event is None:
        return 0
    to = recipients(event)
    if not to:
        logger.warning("SLA notice for #%s: nobody to tell", event.ticket.number)
        return 0
    target = event.data.get("sla_target", "resolution")
    level = event.data.get("sla_level", "warning")
    context = {
        "ticket": event.ticket,
        "event": event,
        "target": TARGET_LABELS[target](),
        "level": level,
        "level_label": LEVEL_LABELS[level](),
        "url": (
            f"{settings.SITE_URL.rstrip('/')}"
            f"/admin/tickets/ticket/{event.ticket_id}/change/"
        ),
    }
    make_message("sla/email/notice", context, to).send()
    return len(to)
