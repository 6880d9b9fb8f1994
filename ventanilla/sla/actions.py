"""Every write of SLA: calendars, policies, the clocks of tickets, and the
warnings and breaches raised by the periodic scan (R-SLA-1..3)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from ventanilla.core.errors import ActionRefused
from ventanilla.core.queueing import queue_with_change
from ventanilla.pipelines.models import Pipeline, Priority
from ventanilla.sla.clocks import SlaStatus, State, evaluate, spans_from_history
from ventanilla.sla.events import record_sla_event
from ventanilla.sla.models import (
    BusinessCalendar,
    ClockSegment,
    SlaPolicy,
    SlaState,
    TicketSla,
)
from ventanilla.sla.queries import (
    PolicyBook,
    due_for_notice,
    policy_book,
    stale_ticket_ids,
    ticket_facts,
)
from ventanilla.sla.schemas import CalendarDocument
from ventanilla.tickets.models import NO_SLA_DUE, Ticket

logger = logging.getLogger(__name__)

BATCH = 1000
TARGETS = ("first_response", "resolution")


# -- configuration -----------------------------------------------------------


def validate_calendar(**values: Any) -> CalendarDocument:
    """Check a calendar document (pydantic, strict); ``ActionRefused``
    (code ``calendar_invalid``) lists every problem."""
    return _calendar_document(**values)


def _calendar_document(**values: Any) -> CalendarDocument:
    try:
        return CalendarDocument.model_validate(values)
    except ValidationError as exc:
        errors = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        ]
        raise ActionRefused(
            _("The calendar is not valid: %(errors)s") % {"errors": "; ".join(errors)},
            code="calendar_invalid",
            params={"errors": errors},
        ) from None


@transaction.atomic
def create_calendar(
    *,
    name: str,
    time_zone: str = "America/Lima",
    weekly_hours: Mapping[str, Any] | None = None,
    country: str = "PE",
    subdivision: str = "",
    extra_holidays: Iterable[str] = (),
    is_default: bool = False,
) -> BusinessCalendar:
    """A business calendar; ``weekly_hours`` as ``{"mon": [["09:00", "13:00"]]}``.

    Making it the default takes the flag from the previous default.
    """
    hours = (
        dict(weekly_hours)
        if weekly_hours is not None
        else BusinessCalendar._meta.get_field("weekly_hours").get_default()
    )
    document = _calendar_document(
        time_zone=time_zone,
        weekly_hours=hours,
        country=country,
        subdivision=subdivision,
        extra_holidays=list(extra_holidays),
    )
    if is_default:
        BusinessCalendar.objects.filter(is_default=True).update(is_default=False)
    return BusinessCalendar.objects.create(
        name=name,
        time_zone=document.time_zone,
        weekly_hours=document.weekly_hours.model_dump(),
        country=document.country.upper(),
        subdivision=document.subdivision,
        extra_holidays=list(document.extra_holidays),
        is_default=is_default,
    )


@transaction.atomic
def update_calendar(calendar: BusinessCalendar, **changes: Any) -> BusinessCalendar:
    """Change a calendar; the document is validated whole again. Tickets
    pick the change up at their next recomputation (``recompute_all``)."""
    allowed = {
        "name",
        "time_zone",
        "weekly_hours",
        "country",
        "subdivision",
        "extra_holidays",
        "is_default",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown calendar fields: {sorted(unknown)}")
    values = {
        "time_zone": calendar.time_zone,
        "weekly_hours": calendar.weekly_hours,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "extra_holidays": list(calendar.extra_holidays),
        **{
            key: value
            for key, value in changes.items()
            if key not in {"name", "is_default"}
        },
    }
    document = _calendar_document(**values)
    if changes.get("is_default"):
        BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
            is_default=False
        )
    calendar.name = changes.get("name", calendar.name)
    calendar.is_default = changes.get("is_default", calendar.is_default)
    calendar.time_zone = document.time_zone
    calendar.weekly_hours = document.weekly_hours.model_dump()
    calendar.country = document.country.upper()
    calendar.subdivision = document.subdivision
    calendar.extra_holidays = list(document.extra_holidays)
    calendar.save()
    return calendar


@transaction.atomic
def create_policy(
    *,
    name: str,
    calendar: BusinessCalendar,
    pipeline: Pipeline | None = None,
    priority: Priority | None = None,
    first_response_minutes: int | None = None,
    resolution_minutes: int | None = None,
    warning_percent: int = 80,
    enabled: bool = True,
) -> SlaPolicy:
    """A policy for a pipeline and priority (either may be None: any)."""
    if not 1 <= warning_percent <= 100:
        raise ActionRefused(
            _("The warning threshold is a percentage from 1 to 100."),
            code="sla_warning_percent",
        )
    if first_response_minutes is None and resolution_minutes is None:
        raise ActionRefused(
            _("A policy needs a first-response or a resolution target."),
            code="sla_no_target",
        )
    return SlaPolicy.objects.create(
        name=name,
        calendar=calendar,
        pipeline=pipeline,
        priority=priority,
        first_response_minutes=first_response_minutes,
        resolution_minutes=resolution_minutes,
        warning_percent=warning_percent,
        enabled=enabled,
    )


@transaction.atomic
def update_policy(policy: SlaPolicy, **changes: Any) -> SlaPolicy:
    """Change the given fields; tickets pick the change up at their next
    recomputation (the scan recomputes every changed ticket)."""
    allowed = {
        "name",
        "calendar",
        "pipeline",
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "warning_percent",
        "enabled",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown policy fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(policy, field, value)
    if not 1 <= policy.warning_percent <= 100:
        raise ActionRefused(
            _("The warning threshold is a percentage from 1 to 100."),
            code="sla_warning_percent",
        )
    policy.save(update_fields=sorted({*changes, "updated_at"}))
    return policy


# -- clocks ------------------------------------------------------------------


def _minutes(value: int | None) -> dt.timedelta | None:
    return None if value is None else dt.timedelta(minutes=value)


def _seconds(value: dt.timedelta) -> int:
    return max(0, int(value.total_seconds()))


_COMPUTED_FIELDS = [
    "policy",
    "is_active",
    "running_side",
    "ours_seconds",
    "customer_seconds",
    "third_party_seconds",
    "first_response_state",
    "first_response_due_at",
    "first_response_warn_at",
    "resolution_state",
    "resolution_due_at",
    "resolution_warn_at",
    "computed_at",
]


@transaction.atomic
def recompute_many(
    ticket_ids: Sequence[int],
    *,
    now: dt.datetime | None = None,
    book: PolicyBook | None = None,
) -> int:
    """Recompute the clocks and targets of ``ticket_ids``; returns how many.

    1. Lock the tickets, skipping any an action holds right now: that
       action's own recomputation (or the next scan) will see its change.
    2. Load their CREATED and STAGE_CHANGED events (one query), derive the
       spans per side (``clocks.spans_from_history``) and evaluate them
       against the most specific policy (``clocks.evaluate``).
    3. Replace their clock segments and upsert their ``TicketSla`` rows,
       keeping the warning and breach stamps so each is notified once.
    """
    now = now or timezone.now()
    book = book or policy_book()
    locked = list(
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=list(ticket_ids))
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not locked:
        return 0
    segments: dict[int, list[_Segment]] = {}
    rows: list[TicketSla] = []
    for facts in ticket_facts(locked):
        policy = book.policy_for(facts.pipeline_id, facts.priority_id)
        calendar = book.calendar_for(policy)
        history = spans_from_history(facts.created_at, facts.changes, facts.stage_kind)
        status = evaluate(
            history,
            calendar,
            now,
            first_response_at=facts.first_response_at,
            first_response_target=_minutes(
                policy.first_response_minutes if policy else None
            ),
            resolution_target=_minutes(policy.resolution_minutes if policy else None),
            warning_percent=policy.warning_percent if policy else 80,
        )
        segments[facts.id] = [
            (
                segment.side.value,
                segment.start,
                segment.end,
                None if segment.end is None else _seconds(segment.business),
            )
            for segment in status.segments
        ]
        rows.append(_sla_row(facts.id, policy, status, now))
    _write_segments(segments)
    TicketSla.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=_COMPUTED_FIELDS,
    )
    _write_due_times(locked)
    return len(rows)


_Segment = tuple[str, dt.datetime, dt.datetime | None, int | None]


def _write_segments(wanted: dict[int, list[_Segment]]) -> None:
    """Replace the segments of the tickets whose segments changed.

    Finished segments never change and a running one stores no duration,
    so a ticket whose history did not change since its last computation
    is left alone (one read instead of a delete and inserts).
    """
    stored: dict[int, list[_Segment]] = defaultdict(list)
    rows = (
        ClockSegment.objects.filter(ticket_id__in=list(wanted))
        .order_by("ticket_id", "start", "id")
        .values_list("ticket_id", "side", "start", "end", "business_seconds")
    )
    for ticket_id, *segment in rows:
        stored[ticket_id].append(tuple(segment))  # type: ignore[arg-type]
    changed = [pk for pk, segments in wanted.items() if stored.get(pk, []) != segments]
    if not changed:
        return
    ClockSegment.objects.filter(ticket_id__in=changed).delete()
    ClockSegment.objects.bulk_create(
        (
            ClockSegment(
                ticket_id=pk,
                side=side,
                start=start,
                end=end,
                business_seconds=seconds,
            )
            for pk in changed
            for side, start, end, seconds in wanted[pk]
        ),
        batch_size=BATCH,
    )


def _sla_row(
    ticket_id: int, policy: SlaPolicy | None, status: SlaStatus, now: dt.datetime
) -> TicketSla:
    fr, res = status.first_response, status.resolution
    totals = {side.value: _seconds(value) for side, value in status.totals.items()}
    return TicketSla(
        ticket_id=ticket_id,
        policy=policy,
        is_active=status.active,
        running_side=status.running_side.value if status.running_side else "",
        ours_seconds=totals["ours"],
        customer_seconds=totals["customer"],
        third_party_seconds=totals["third_party"],
        first_response_state=fr.state.value,
        first_response_due_at=fr.due_at,
        first_response_warn_at=fr.warn_at,
        resolution_state=res.state.value,
        resolution_due_at=res.due_at,
        resolution_warn_at=res.warn_at,
        computed_at=now,
    )


# Target states whose clock runs (a paused or met target has no due time).
_PENDING = (SlaState.RUNNING, SlaState.WARNING, SlaState.BREACHED)


_TARGETS = (("first_response", "first_response_at"), ("resolution", "resolved_at"))


def _pending(target: str, done: str) -> Q:
    """The target's clock runs: live state, its event not yet happened."""
    return Q(
        IsNull(OuterRef(done), True),
        **{f"{target}_state__in": _PENDING},
        **{f"{target}_due_at__isnull": False},
    )


def _write_due_times(ticket_ids: Sequence[int]) -> None:
    """Copy the queue's SLA times onto the tickets, one UPDATE for the batch.

    ``Ticket.sla_due_at`` (the desk's queue order): the first response's due
    time while it is pending, else the resolution's (not yet resolved).
    ``Ticket.sla_warn_at`` (the "SLA at risk" queue): the earliest warning
    time of the pending targets (their due time when they have none).
    Either is ``NO_SLA_DUE`` when no clock runs or there is no SLA row.
    """
    due = Case(
        *(
            When(_pending(target, done), then=F(f"{target}_due_at"))
            for target, done in _TARGETS
        ),
        default=Value(NO_SLA_DUE),
    )
    first_warn, resolution_warn = (
        Case(
            When(
                _pending(target, done),
                then=Coalesce(F(f"{target}_warn_at"), F(f"{target}_due_at")),
            ),
            default=Value(NO_SLA_DUE),
        )
        for target, done in _TARGETS
    )
    row = TicketSla.objects.filter(ticket=OuterRef("pk"), is_active=True)
    Ticket.objects.filter(pk__in=list(ticket_ids)).update(
        sla_due_at=Coalesce(Subquery(row.values_list(due)[:1]), Value(NO_SLA_DUE)),
        sla_warn_at=Coalesce(
            Subquery(row.values_list(Least(first_warn, resolution_warn))[:1]),
            Value(NO_SLA_DUE),
        ),
    )


def recompute(ticket_id: int, *, now: dt.datetime | None = None) -> TicketSla | None:
    """Recompute one ticket (the job queued with every ticket change)."""
    recompute_many([ticket_id], now=now)
    return TicketSla.objects.filter(pk=ticket_id).first()


def _chunks(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def recompute_stale(*, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Recompute every ticket changed since its SLA was computed."""
    now = now or timezone.now()
    book = policy_book()
    return sum(
        recompute_many(chunk, now=now, book=book)
        for chunk in _chunks(stale_ticket_ids(), batch)
    )


def recompute_all(
    *, now: dt.datetime | None = None, batch: int = BATCH, active_only: bool = True
) -> int:
    """Recompute every ticket still being worked (or all): the full scan
    after a policy or calendar change, and the benchmark's unit of work."""
    now = now or timezone.now()
    book = policy_book()
    qs = Ticket.objects.order_by("id")
    if active_only:
        qs = qs.exclude(stage__kind__in=("resolved", "closed"))
    ids = list(qs.values_list("id", flat=True))
    return sum(
        recompute_many(chunk, now=now, book=book) for chunk in _chunks(ids, batch)
    )


# -- scan --------------------------------------------------------------------


@dataclass(frozen=True)
class ScanReport:
    recomputed: int
    warnings: int
    breaches: int


def _claim(ticket_id: int, target: str, level: str, now: dt.datetime) -> bool:
    """Stamp the notice with a conditional UPDATE; True for the one caller
    that stamped it (two scans never notify the same crossing twice)."""
    stamp = f"{target}_{'breached' if level == 'breach' else 'warned'}_at"
    changes: dict[str, Any] = {stamp: now}
    if level == "breach":
        # A breach found before its warning: the warning is not sent later.
        warned = f"{target}_warned_at"
        changes[warned] = Coalesce(F(warned), Value(now))
    claimed = TicketSla.objects.filter(
        pk=ticket_id, **{f"{stamp}__isnull": True}
    ).update(**changes)
    return claimed == 1


def _enqueue_notice(event_id: int) -> None:
    from ventanilla.sla.jobs import send_sla_notice

    send_sla_notice.enqueue(event_id)


def scan_due(now: dt.datetime | None = None, *, batch: int = BATCH) -> ScanReport:
    """The periodic SLA job (R-SLA-3).

    1. Recompute tickets changed since their last computation.
    2. For tickets whose warning or due time has passed without a notice,
       recompute (fresh figures), then raise the warning or the breach
       once each: a TicketEvent on the field ``sla`` and a mail to the
       owner and the team lead, sent by a job after commit.
    """
    now = now or timezone.now()
    recomputed = recompute_stale(now=now, batch=batch)
    candidates = due_for_notice(now)
    book = policy_book()
    for chunk in _chunks(candidates, batch):
        recompute_many(chunk, now=now, book=book)
    warnings = breaches = 0
    rows = TicketSla.objects.filter(pk__in=candidates, is_active=True).select_related(
        "ticket", "policy"
    )
    for row in rows:
        for target in TARGETS:
            state = getattr(row, f"{target}_state")
            if (
                state == State.BREACHED
                and getattr(row, f"{target}_breached_at") is None
            ):
                level = "breach"
            elif state == State.WARNING and getattr(row, f"{target}_warned_at") is None:
                level = "warning"
            else:
                continue
            if _notify(row, target, level, now):
                if level == "breach":
                    breaches += 1
                else:
                    warnings += 1
    return ScanReport(recomputed, warnings, breaches)


@transaction.atomic
def _notify(row: TicketSla, target: str, level: str, now: dt.datetime) -> bool:
    # The ticket first, as every writer locks it (a recomputation holds the
    # ticket and then writes its SLA row): claiming the SLA row first and
    # then writing the event, which references the ticket, could deadlock.
    list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(pk=row.ticket_id)
        .values_list("id", flat=True)
    )
    if not _claim(row.pk, target, level, now):
        return False
    event = record_sla_event(
        row.ticket,
        target=target,
        level=level,
        due_at=getattr(row, f"{target}_due_at"),
        data={"policy_id": row.policy_id},
    )
    queue_with_change(lambda: _enqueue_notice(event.pk))
    return True
