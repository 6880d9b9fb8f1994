"""Activities for the demo organisation: each agent's agenda shows
something overdue, something due today and something ahead, on the open
tickets they own, plus one thing done lately.

Planned through the agenda's actions, relative to the moment the demo is
built, so the agenda and the tickets' trails look like a working desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ventanilla.agenda import actions
from ventanilla.agenda.models import Activity, ActivityKind
from ventanilla.agenda.queries import default_due_at
from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import Ticket

OPEN_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)
PER_AGENT = 4

Due = Callable[[dt.datetime], dt.datetime]


def _later_today(now: dt.datetime) -> dt.datetime:
    """Two hours ahead, but still today (local time) when that is possible."""
    local = timezone.localtime(now)
    last = local.replace(hour=23, minute=45, second=0, microsecond=0)
    return max(min(local + dt.timedelta(hours=2), last), now + dt.timedelta(minutes=1))


# (kind, title, when it falls due, whether it is done already), in turn
# for each agent's tickets.
_PLANS: tuple[tuple[ActivityKind, str, Due, bool], ...] = (
    (
        ActivityKind.CALL,
        "Llamar a {contact} para confirmar los documentos recibidos",
        lambda now: now - dt.timedelta(days=1, hours=2),
        False,
    ),
    (
        ActivityKind.TASK,
        "{playbook}",
        _later_today,
        False,
    ),
    (
        ActivityKind.FOLLOW_UP,
        "Hacer seguimiento de la respuesta de {contact}",
        lambda now: default_due_at(None, now=now),
        False,
    ),
    (
        ActivityKind.EMAIL,
        "Enviar a {contact} el resumen de lo acordado",
        lambda now: now - dt.timedelta(hours=5),
        True,
    ),
)


def _title(template: str, ticket: Ticket) -> str:
    contact = ticket.requester.name if ticket.requester else "el cliente"
    playbook = ticket.type.playbook if ticket.type and ticket.type.playbook else ""
    return template.format(
        contact=contact, playbook=playbook or "Revisar el expediente del ticket"
    )


def _open_tickets_by_owner() -> dict[User, list[Ticket]]:
    owned: dict[User, list[Ticket]] = {}
    tickets = (
        Ticket.objects.filter(stage__kind__in=OPEN_KINDS, owner__isnull=False)
        .select_related("owner", "requester", "type", "pipeline")
        .order_by("-number")
    )
    for ticket in tickets:
        if ticket.owner is None:
            continue
        mine = owned.setdefault(ticket.owner, [])
        if len(mine) < PER_AGENT:
            mine.append(ticket)
    return owned


@transaction.atomic
def plan_demo_activities() -> int:
    """Plan the demo's activities once; return how many were planned."""
    if Activity.objects.exists():
        return 0
    now = timezone.now()
    planned = 0
    for owner, tickets in _open_tickets_by_owner().items():
        for ticket, (kind, title, due, done) in zip(tickets, _PLANS, strict=False):
            try:
                activity = actions.plan_activity(
                    actor=owner,
                    ticket=ticket,
                    kind=kind,
                    title=_title(title, ticket),
                    due_at=due(now),
                )
                if done:
                    actions.complete_activity(activity, actor=owner)
            except ActionRefused:
                continue  # an owner outside the ticket's team: not shown
            planned += 1
    return planned
