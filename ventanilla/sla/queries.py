"""Reads for SLA: calendars as ``business_hours.Calendar``, the policy of a
ticket, the inputs of a recomputation, and what the scan must look at."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from ventanilla.sla.business_hours import Calendar, make_calendar
from ventanilla.sla.clocks import StageChange
from ventanilla.sla.models import BusinessCalendar, SlaPolicy, TicketSla
from ventanilla.sla.schemas import WeeklyHours
from ventanilla.tickets.models import EventKind, Ticket, TicketEvent

# Built calendars, by (pk, updated_at): building one loads the holidays.
_CALENDARS: dict[tuple[int, dt.datetime], Calendar] = {}
_FALLBACK: list[Calendar] = []


def as_calendar(row: BusinessCalendar) -> Calendar:
    key = (row.pk, row.updated_at)
    calendar = _CALENDARS.get(key)
    if calendar is None:
        calendar = make_calendar(
            time_zone=row.time_zone,
            weekly=WeeklyHours.model_validate(row.weekly_hours).by_weekday(),
            country=row.country,
            subdivision=row.subdivision,
            extra_holidays=[dt.date.fromisoformat(d) for d in row.extra_holidays],
        )
        _CALENDARS[key] = calendar
    return calendar


def fallback_calendar() -> Calendar:
    """Lima, Monday to Friday 09:00-13:00 and 14:00-18:00, Peruvian
    holidays: used to measure clocks when no calendar is configured."""
    if not _FALLBACK:
        _FALLBACK.append(make_calendar())
    return _FALLBACK[0]


@dataclass(frozen=True)
class PolicyBook:
    """Every enabled policy and the default calendar, loaded once per batch."""

    policies: dict[tuple[int | None, int | None], SlaPolicy]
    default_calendar: Calendar

    def policy_for(self, pipeline_id: int, priority_id: int | None) -> SlaPolicy | None:
        """The most specific policy: (pipeline, priority), (pipeline, any),
        (any, priority), (any, any)."""
        for key in (
            (pipeline_id, priority_id),
            (pipeline_id, None),
            (None, priority_id),
            (None, None),
        ):
            policy = self.policies.get(key)
            if policy is not None:
                return policy
        return None

    def calendar_for(self, policy: SlaPolicy | None) -> Calendar:
        if policy is None:
            return self.default_calendar
        return as_calendar(policy.calendar)


def policy_book() -> PolicyBook:
    """Two queries: the enabled policies with their calendars, the default."""
    policies: dict[tuple[int | None, int | None], SlaPolicy] = {}
    for policy in (
        SlaPolicy.objects.filter(enabled=True)
        .select_related("calendar")
        .order_by("-updated_at", "id")
    ):
        policies.setdefault((policy.pipeline_id, policy.priority_id), policy)
    default = BusinessCalendar.objects.filter(is_default=True).first()
    return PolicyBook(
        policies=policies,
        default_calendar=as_calendar(default) if default else fallback_calendar(),
    )


@dataclass(frozen=True)
class TicketFacts:
    """What a recomputation needs to know about one ticket."""

    id: int
    created_at: dt.datetime
    pipeline_id: int
    priority_id: int | None
    first_response_at: dt.datetime | None
    stage_kind: str
    changes: tuple[StageChange, ...]


def ticket_facts(ticket_ids: Sequence[int]) -> list[TicketFacts]:
    """Two queries for any number of tickets: the tickets, then their
    CREATED and STAGE_CHANGED events in order."""
    rows = list(
        Ticket.objects.filter(pk__in=ticket_ids).values_list(
            "id",
            "created_at",
            "pipeline_id",
            "priority_id",
            "first_response_at",
            "stage__kind",
        )
    )
    created: dict[int, dt.datetime] = {}
    changes: dict[int, list[StageChange]] = defaultdict(list)
    events = (
        TicketEvent.objects.filter(
            ticket_id__in=ticket_ids,
            kind__in=(EventKind.CREATED, EventKind.STAGE_CHANGED),
        )
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "kind", "created_at", "data")
    )
    for ticket_id, kind, at, data in events:
        if kind == EventKind.CREATED:
            created.setdefault(ticket_id, at)
        elif "old_kind" in data and "new_kind" in data:
            changes[ticket_id].append(
                StageChange(at, data["old_kind"], data["new_kind"])
            )
    return [
        TicketFacts(
            id=pk,
            created_at=min(created.get(pk, created_at), created_at),
            pipeline_id=pipeline_id,
            priority_id=priority_id,
            first_response_at=first_response_at,
            stage_kind=kind,
            changes=tuple(changes.get(pk, ())),
        )
        for pk, created_at, pipeline_id, priority_id, first_response_at, kind in rows
    ]


def stale_ticket_ids(limit: int | None = None) -> list[int]:
    """Tickets changed since their SLA was computed, or never computed.

    Every ticket action bumps ``updated_at``, so this finds each change
    even when nothing called ``recompute`` for it. A ticket closed before
    it was first computed is computed once, then never again.
    """
    qs = (
        Ticket.objects.filter(
            Q(sla__isnull=True) | Q(updated_at__gt=F("sla__computed_at"))
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    return list(qs[:limit] if limit else qs)


def due_for_notice(now: dt.datetime) -> list[int]:
    """Tickets whose running clocks crossed a warning or due time that was
    not notified yet."""
    crossed = (
        Q(first_response_warn_at__lte=now, first_response_warned_at__isnull=True)
        | Q(first_response_due_at__lte=now, first_response_breached_at__isnull=True)
        | Q(resolution_warn_at__lte=now, resolution_warned_at__isnull=True)
        | Q(resolution_due_at__lte=now, resolution_breached_at__isnull=True)
    )
    return list(
        TicketSla.objects.filter(crossed, is_active=True)
        .order_by("ticket_id")
        .values_list("ticket_id", flat=True)
    )


def sla_of_tickets(ticket_ids: Iterable[int]) -> QuerySet[TicketSla]:
    """SLA rows with what a queue shows next to them (one query)."""
    return TicketSla.objects.filter(ticket_id__in=list(ticket_ids)).select_related(
        "policy"
    )
