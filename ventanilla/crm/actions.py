"""Writes of deals."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from ventanilla.crm.models import Deal
from ventanilla.pipelines.models import StageKind
from ventanilla.pipelines.queries import stage_of_kind
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import EventKind, Ticket


@transaction.atomic
def create_deal_from_ticket(
    ticket: Ticket,
    *,
    actor: User,
    title: str,
    amount: Decimal = Decimal(0),
    currency: str = "PEN",
    expected_version: int | None = None,
) -> Deal:
    """Close ``ticket`` and open a deal for its customer (R-CLS-4: the
    playbook of "Inversionista - Adición" is "cerrar ticket y crear un
    negocio").

    1. The ticket moves to its pipeline's closed stage through
       ``tickets.actions.change_stage``: the R-CLS-3 fields must be set,
       and a ticket changed meanwhile (``expected_version``) is refused.
    2. The deal takes the ticket's requester, company and owner.
    3. The ticket's trail records the deal.
    """
    closed = stage_of_kind(ticket.pipeline, StageKind.CLOSED)
    ticket = tickets.change_stage(
        ticket, stage=closed, actor=actor, expected_version=expected_version
    )
    deal = Deal.objects.create(
        title=title.strip()[:200],
        amount=amount,
        currency=currency.upper()[:3],
        ticket=ticket,
        company=ticket.company,
        contact=ticket.requester,
        owner=ticket.owner,
        created_by=actor,
    )
    tickets.record_event(
        ticket,
        actor=actor,
        kind=EventKind.LINKED,
        field="deal",
        new=f"{deal.title} ({deal.currency} {deal.amount})",
        data={"deal_id": deal.pk},
    )
    return deal
