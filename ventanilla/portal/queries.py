"""Reads of the portal; every ticket read starts from
``directory.access.visible_tickets`` (a row the user may not see is 404).

Customers see the public side of a ticket only: its subject, a
customer-facing status, the messages that are not internal notes and the
files attached to those messages. Routing, owners' internals and SLA data
never reach a portal template because they are never loaded here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ventanilla.directory.access import visible_tickets
from ventanilla.directory.models import CustomerUser
from ventanilla.pipelines.models import Category, Pipeline, StageKind, TicketType
from ventanilla.tickets.models import (
    Attachment,
    Message,
    MessageKind,
    Satisfaction,
    Ticket,
)

OPEN_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)
CLOSED_KINDS = (StageKind.RESOLVED, StageKind.CLOSED)

# What a customer is told about each stage kind. Waiting on a third party
# is still "in progress" for them: whom the team waits for is internal.
CUSTOMER_STATUS: dict[str, Promise] = {
    StageKind.NEW: _("Received"),
    StageKind.OPEN: _("In progress"),
    StageKind.WAITING_THIRD_PARTY: _("In progress"),
    StageKind.WAITING_CUSTOMER: _("Waiting for your reply"),
    StageKind.RESOLVED: _("Resolved"),
    StageKind.CLOSED: _("Closed"),
}


def customer_status(kind: str) -> str:
    return str(CUSTOMER_STATUS.get(kind, _("In progress")))


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    next_cursor: int | None


def my_tickets(
    user: User,
    *,
    state: str = "",
    category: str = "",
    type_id: int | None = None,
    search: str = "",
    before: int | None = None,
    limit: int | None = None,
) -> Page:
    """One page of the user's visible tickets, newest first, by key.

    ``before`` is the last ticket number of the previous page: the page is
    read through the unique index on ``number``, never by skipping rows.
    """
    size = limit or settings.VENTANILLA_PORTAL_PAGE_SIZE
    qs = visible_tickets(user).select_related("stage", "requester", "type")
    if state == "open":
        qs = qs.filter(stage__kind__in=OPEN_KINDS)
    elif state == "closed":
        qs = qs.filter(stage__kind__in=CLOSED_KINDS)
    if category in Category.values:
        qs = qs.filter(category=category)
    if type_id is not None:
        qs = qs.filter(type_id=type_id)
    if search.strip():
        qs = qs.filter(subject__icontains=search.strip())
    if before is not None:
        qs = qs.filter(number__lt=before)
    rows = list(qs.order_by("-number")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1].number if more and rows else None)


def my_ticket_types(user: User) -> QuerySet[TicketType]:
    """The types the user's visible tickets have, for the list filter."""
    numbers = visible_tickets(user).values("type_id")
    return TicketType.objects.filter(pk__in=numbers).order_by("name")


def public_thread(ticket: Ticket) -> QuerySet[Message]:
    """Messages a customer may read (never notes), with public files."""
    return (
        ticket.messages.exclude(kind=MessageKind.NOTE)
        .select_related("author_user", "author_contact")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.order_by("id"),
            )
        )
        .order_by("created_at", "id")
    )


def public_attachment(ticket: Ticket, attachment_id: int) -> Attachment | None:
    """A file of ``ticket`` attached to a message the customer may read."""
    return (
        Attachment.objects.filter(ticket=ticket, pk=attachment_id)
        .filter(message__isnull=False)
        .exclude(message__kind=MessageKind.NOTE)
        .exclude(file="")
        .first()
    )


def follow_ups(ticket: Ticket, user: User) -> QuerySet[Ticket]:
    """Visible tickets opened as follow-ups of ``ticket`` (R-POR-4)."""
    return visible_tickets(user).filter(
        links_out__target=ticket, links_out__kind="follow_up_of"
    )


def company_admins(customer: CustomerUser) -> QuerySet[CustomerUser]:
    """Whom a plain user asks to open a ticket (R-POR-2)."""
    company = customer.contact.company
    if company is None:
        return CustomerUser.objects.none()
    return (
        CustomerUser.objects.filter(
            contact__company=company, is_company_admin=True, user__is_active=True
        )
        .select_related("contact")
        .order_by("contact__name")
    )


def portal_pipeline() -> Pipeline | None:
    """Where portal requests open: the configured pipeline, else triage."""
    slug = settings.VENTANILLA_PORTAL_PIPELINE
    if slug:
        return Pipeline.objects.filter(slug=slug).first()
    return (
        Pipeline.objects.filter(Q(is_triage=True)).order_by("position", "name").first()
    ) or Pipeline.objects.order_by("position", "name").first()


def satisfaction_of(ticket: Ticket) -> Satisfaction | None:
    return Satisfaction.objects.filter(ticket=ticket).first()
