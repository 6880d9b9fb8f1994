"""Background entry points of routing: they take ids (ARCHITECTURE rule 8)."""

from __future__ import annotations

from django_tasks import task

from ventanilla.routing import actions
from ventanilla.tickets.models import Ticket


@task()
def route_ticket(ticket_id: int, mailbox: str = "") -> None:
    """Route a ticket opened without routing (safe to run twice: the first
    rule to decide a field keeps it, and unchanged fields write nothing)."""
    ticket = Ticket.objects.select_related("pipeline").get(pk=ticket_id)
    actions.route_ticket(ticket, mailbox=mailbox)
