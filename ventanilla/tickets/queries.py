"""Reads of tickets; permission-restricted reads start from
``directory.access.visible_tickets``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet

from ventanilla.directory.access import AnyUser, visible_tickets
from ventanilla.pipelines.models import Pipeline, StageKind
from ventanilla.tickets.models import (
    Attachment,
    Message,
    MessageKind,
    Satisfaction,
    Ticket,
    TicketEvent,
    TicketLink,
)

LIST_RELATED = (
    "pipeline",
    "stage",
    "priority",
    "owner",
    "team",
    "requester",
    "company",
)


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    next_cursor: int | None


def ticket_list(
    user: AnyUser,
    *,
    pipeline: Pipeline | None = None,
    stage_kinds: tuple[StageKind, ...] = (),
    owner: User | None = None,
    unassigned: bool = False,
    before: int | None = None,
    limit: int = 50,
) -> Page:
    """One page of visible tickets, newest first, paginated by key.

    ``before`` is the cursor of the previous page (a ticket number): the page
    is found through the unique index on ``number``, not by skipping rows.
    """
    qs = visible_tickets(user).select_related(*LIST_RELATED)
    if pipeline is not None:
        qs = qs.filter(pipeline=pipeline)
    if stage_kinds:
        qs = qs.filter(stage__kind__in=stage_kinds)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if unassigned:
        qs = qs.filter(owner__isnull=True)
    if before is not None:
        qs = qs.filter(number__lt=before)
    rows = list(qs.order_by("-number")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].number if more and rows else None)


def thread(ticket: Ticket, *, include_notes: bool) -> QuerySet[Message]:
    """The ticket's messages, oldest first, with authors and attachments."""
    qs = ticket.messages.select_related(
        "author_user", "author_contact"
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    if not include_notes:
        qs = qs.exclude(kind=MessageKind.NOTE)
    return qs


def history(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The audit trail, oldest first."""
    return ticket.events.select_related("actor_user").order_by("created_at", "id")


def links(ticket: Ticket) -> QuerySet[TicketLink]:
    """Links in both directions, with both tickets loaded."""
    return (
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket))
        .select_related("source", "target")
        .order_by("created_at", "id")
    )


def satisfaction_of(ticket: Ticket) -> Satisfaction | None:
    """The customer's rating of the ticket, if they answered the survey."""
    return Satisfaction.objects.filter(ticket=ticket).first()
