"""Who may see what. Every view, portal page and API endpoint goes through
these checks instead of fetching rows by id (a row the user may not see is
404, the same as a row that does not exist)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from ventanilla.directory.models import PortalVisibility, Role
from ventanilla.pipelines.models import Pipeline
from ventanilla.tickets.models import Ticket

AnyUser = User | AnonymousUser

# Staff roles that see every pipeline (and so every staff ticket).
SEE_ALL_PIPELINES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def agent_role(user: AnyUser) -> Role | None:
    """The user's staff role, or None for customers and anonymous users."""
    if not user.is_authenticated or not user.is_active:
        return None
    agent = getattr(user, "agent", None)
    if agent is None:
        return Role.ADMIN if user.is_superuser else None
    return Role(agent.role)


def sees_all_pipelines(user: AnyUser) -> bool:
    return agent_role(user) in SEE_ALL_PIPELINES


def visible_pipelines(user: AnyUser) -> QuerySet[Pipeline]:
    """Admins and supervisors see every pipeline; agents those of their teams."""
    role = agent_role(user)
    if role is None:
        return Pipeline.objects.none()
    if role in SEE_ALL_PIPELINES:
        return Pipeline.objects.all()
    return Pipeline.objects.filter(team__agents__user=user.pk).distinct()


def visible_tickets(
    user: AnyUser, *, pipeline_ids: Collection[int] | None = None
) -> QuerySet[Ticket]:
    """Tickets the user may see.

    1. Staff: by pipeline, as ``visible_pipelines``. A caller that has read
       the ids of ``visible_pipelines(user)`` already passes them as
       ``pipeline_ids``: an agent's tickets are then filtered by those
       literal ids instead of a join to the agent's teams, which
       PostgreSQL estimates better (the desk's queues:
       ``bench/RESULTS.md``).
    2. Customers: company admins see their company's tickets; other users
       the tickets they requested or are copied on, or the whole company's
       when the company is set so.
    """
    role = agent_role(user)
    if role in SEE_ALL_PIPELINES:
        return Ticket.objects.all()
    if role is not None:
        if pipeline_ids is not None:
            return Ticket.objects.filter(pipeline_id__in=sorted(pipeline_ids))
        return Ticket.objects.filter(pipeline__team__agents__user=user.pk)
    customer = getattr(user, "customer", None) if user.is_authenticated else None
    if customer is None or not user.is_active:
        return Ticket.objects.none()
    contact = customer.contact
    own = Q(requester=contact) | Q(cc=contact)
    company = contact.company
    if company is None:
        return Ticket.objects.filter(own).distinct()
    if (
        customer.is_company_admin
        or company.portal_visibility == PortalVisibility.COMPANY
    ):
        return Ticket.objects.filter(Q(company=company) | own).distinct()
    return Ticket.objects.filter(own).distinct()


# What a ticket is read with unless the caller says otherwise.
TICKET_RELATED = ("pipeline", "stage", "type", "reason", "priority", "owner", "team")


def access_ticket(
    user: AnyUser, number: int, *, related: Sequence[str] = TICKET_RELATED
) -> Ticket:
    """The ticket numbered ``number`` if ``user`` may see it, else 404; read
    with ``related`` (``select_related``)."""
    ticket = (
        visible_tickets(user).select_related(*related).filter(number=number).first()
    )
    if ticket is None:
        raise Http404("No such ticket")
    return ticket
