"""SLA entries of the ticket's audit trail.

Warnings and breaches are SLA_WARNING / SLA_BREACHED events on the field
``sla``, written through ``tickets.actions.record_event``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.tickets.actions import record_event
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import EventKind, Ticket, TicketEvent

FIELD = "sla"
TARGET_LABELS = {
    "first_response": lambda: _("First response"),
    "resolution": lambda: _("Resolution"),
}
LEVEL_LABELS = {
    "warning": lambda: _("at risk"),
    "breach": lambda: _("breached"),
}


def record_sla_event(
    ticket: Ticket,
    *,
    target: str,
    level: str,
    due_at: dt.datetime | None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """One audit entry: "Resolution: at risk (due 12/06/2025 16:00)"."""
    actor = Actor.system(_("SLA"))
    due = timezone.localtime(due_at).strftime("%d/%m/%Y %H:%M") if due_at else ""
    text = f"{TARGET_LABELS[target]()}: {LEVEL_LABELS[level]()}"
    if due:
        text += " " + _("(due %(due)s)") % {"due": due}
    return record_event(
        ticket,
        actor=actor,
        kind=EventKind.SLA_BREACHED if level == "breach" else EventKind.SLA_WARNING,
        field=FIELD,
        new=text,
        data={
            "sla_target": target,
            "sla_level": level,
            "due_at": due_at.isoformat() if due_at else None,
            **(data or {}),
        },
    )
