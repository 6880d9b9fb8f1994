"""Reads of the agenda: who may see which activity, a ticket's activities
with the customer's other open ones, an agent's agenda, the calendar feed's
owner, and the default due time of a new activity.

Every list is read with its related rows in the same query, so a page costs
the same number of queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ventanilla.agenda.models import Activity, AgendaFeed
from ventanilla.directory.access import (
    AnyUser,
    agent_role,
    sees_all_pipelines,
    visible_tickets,
)
from ventanilla.directory.models import Role
from ventanilla.sla.queries import fallback_calendar
from ventanilla.tickets.models import NO_SLA_DUE, Ticket

AGENDA_PAGE = 100
DONE_RECENTLY = dt.timedelta(days=7)
DONE_SHOWN = 20
RELATED_SHOWN = 20
FEED_LIMIT = 1000
# When a new activity falls due by default, in the calendar's zone.
DEFAULT_DUE_HOUR = 10
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def visible_activities(user: AnyUser) -> QuerySet[Activity]:
    """Activities the user may see: those of the tickets they may open,
    and, without a ticket, their own (admins and supervisors see all)."""
    if agent_role(user) is None:
        return Activity.objects.none()
    if sees_all_pipelines(user):
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(ticket__in=visible_tickets(user).values("pk"))
        | Q(ticket__isnull=True, owner=user.pk)
    )


def access_activity(user: AnyUser, pk: int) -> Activity:
    """The activity ``pk`` if ``user`` may see it, else 404."""
    activity = (
        visible_activities(user)
        .select_related("ticket", "contact", "owner", "done_by")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    return activity


@dataclass(frozen=True)
class TicketActivities:
    """The ticket's activities, open ones by due time and done ones latest
    first, and the customer's open activities elsewhere ("ver actividades
    relacionadas con el cliente")."""

    open: list[Activity]
    done: list[Activity]
    related: list[Activity]


def ticket_activities(ticket: Ticket, user: AnyUser) -> TicketActivities:
    """Two queries: the ticket's activities, the requester's other ones."""
    rows = list(
        ticket.activities.select_related("owner", "contact", "done_by").order_by(
            "due_at", "id"
        )
    )
    done = sorted(
        (a for a in rows if a.done_at is not None),
        key=lambda a: (a.done_at, a.pk),
        reverse=True,
    )
    related: list[Activity] = []
    if ticket.requester_id is not None:
        related = list(
            visible_activities(user)
            .filter(contact=ticket.requester_id, done_at__isnull=True)
            .exclude(ticket=ticket.pk)
            .select_related("ticket", "owner", "contact")
            .order_by("due_at", "id")[:RELATED_SHOWN]
        )
    return TicketActivities(
        open=[a for a in rows if a.done_at is None], done=done, related=related
    )


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the agenda ends: its last row's due time and id."""

    due: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{_micros(self.due)}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        """The cursor in ``raw``, or None when it is not one of ours."""
        parts = raw.split(".")
        if len(parts) != 2 or not all(p.isdigit() and len(p) < 20 for p in parts):
            return None
        try:
            due = _EPOCH + dt.timedelta(microseconds=int(parts[0]))
        except OverflowError:
            return None
        return cls(due, int(parts[1]))


@dataclass(frozen=True)
class Agenda:
    """An agent's open activities split by the local day, and what they
    finished lately (first page only)."""

    overdue: list[Activity]
    today: list[Activity]
    upcoming: list[Activity]
    done: list[Activity]
    next_cursor: str | None

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming or self.done)


def _owned_by(user: User) -> QuerySet[Activity]:
    """The user's own activities, leaving out those on tickets they can no
    longer open (the ticket moved to another area): they could not act on
    them, and their entries would name a ticket they may not see."""
    return visible_activities(user).filter(owner=user)


def _open_of(user: User) -> QuerySet[Activity]:
    return _owned_by(user).filter(done_at__isnull=True)


def agenda(
    user: User,
    *,
    now: dt.datetime | None = None,
    after: Cursor | None = None,
    limit: int | None = None,
) -> Agenda:
    """The activities ``user`` owns, in due order, ``limit`` at a time.

    1. Open ones are read in (due time, id) order from the owner's open
       index; the page after ``after`` starts strictly past that key, so
       rows are neither skipped nor repeated as activities come and go.
    2. They are split at ``now`` and at the end of the local day.
    3. The first page also shows the last days' done activities.
    Two queries on the first page, one on the next ones.
    """
    now = now or timezone.now()
    limit = limit or AGENDA_PAGE
    qs = _open_of(user).select_related("ticket", "contact")
    if after is not None:
        qs = qs.filter(Q(due_at__gt=after.due) | Q(due_at=after.due, id__gt=after.id))
    rows = list(qs.order_by("due_at", "id")[: limit + 1])
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = Cursor(rows[-1].due_at, rows[-1].pk).encode()
    local = timezone.localtime(now)
    tomorrow = (local + dt.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    done: list[Activity] = []
    if after is None:
        done = list(
            _owned_by(user)
            .filter(done_at__gte=now - DONE_RECENTLY)
            .select_related("ticket", "contact", "done_by")
            .order_by("-done_at", "-id")[:DONE_SHOWN]
        )
    return Agenda(
        overdue=[a for a in rows if a.due_at < now],
        today=[a for a in rows if now <= a.due_at < tomorrow],
        upcoming=[a for a in rows if a.due_at >= tomorrow],
        done=done,
        next_cursor=cursor,
    )


def feed_of(user: User) -> AgendaFeed | None:
    return AgendaFeed.objects.filter(user=user).first()


def feed_by_token(token: str) -> AgendaFeed | None:
    """The feed whose secret address this is, if its owner is still
    active staff."""
    feed = (
        AgendaFeed.objects.select_related("user", "user__agent")
        .filter(token=token)
        .first()
    )
    if feed is None or agent_role(feed.user) is None:
        return None
    return feed


def feed_activities(user: User) -> list[Activity]:
    """The open activities of the feed, with what their entries name."""
    return list(
        _open_of(user)
        .select_related("ticket", "contact")
        .order_by("due_at", "id")[:FEED_LIMIT]
    )


def default_due_at(ticket: Ticket | None, *, now: dt.datetime) -> dt.datetime:
    """When a new activity falls due unless the agent says otherwise.

    1. The ticket's next SLA due time, if it has one still ahead: the
       activity is what keeps the promise.
    2. Otherwise 10:00 of the next business day of the office calendar
       (Lima, Monday to Friday, Peruvian holidays).
    """
    if ticket is not None and now < ticket.sla_due_at < NO_SLA_DUE:
        return ticket.sla_due_at
    calendar = fallback_calendar()
    day = calendar.local_date(now)
    for _attempt in range(60):
        day += dt.timedelta(days=1)
        if calendar.intervals(day):
            break
    wall = dt.datetime.combine(day, dt.time(DEFAULT_DUE_HOUR), tzinfo=calendar.tz)
    return wall.astimezone(dt.UTC)


def possible_owners(ticket: Ticket | None) -> QuerySet[User]:
    """Active staff who may own an activity: for a ticket, those who can
    open it (its pipeline's team, admins and supervisors)."""
    staff = User.objects.filter(is_active=True, agent__isnull=False)
    if ticket is not None:
        staff = staff.filter(
            Q(agent__role__in=[Role.ADMIN, Role.SUPERVISOR])
            | Q(agent__teams__pipelines=ticket.pipeline_id)
        ).distinct()
    return staff.order_by("first_name", "last_name", "username")
