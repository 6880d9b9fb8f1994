"""Clocks by side (R-SLA-2), derived from a ticket's stage history. Pure.

A ticket's stage kinds say whose turn it is:

====================  ===========================
kind                  clock that runs
====================  ===========================
new, open             ours
waiting_customer      the customer's (ours paused)
waiting_third_party   the third party's (ours paused)
resolved, closed      none (every clock stops)
====================  ===========================

``spans_from_history`` turns the CREATED time and the STAGE_CHANGED events
(``old_kind``/``new_kind``) into spans per side; ``evaluate`` measures them
in business time and places the first-response and resolution targets.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ventanilla.sla.business_hours import (
    Calendar,
    add_business_time,
    business_time_between,
)

ZERO = dt.timedelta(0)


class Side(enum.StrEnum):
    OURS = "ours"
    CUSTOMER = "customer"
    THIRD_PARTY = "third_party"


SIDE_OF_KIND: dict[str, Side | None] = {
    "new": Side.OURS,
    "open": Side.OURS,
    "waiting_customer": Side.CUSTOMER,
    "waiting_third_party": Side.THIRD_PARTY,
    "resolved": None,
    "closed": None,
}


class State(enum.StrEnum):
    NONE = "none"  # no target for this ticket
    RUNNING = "running"
    PAUSED = "paused"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"


@dataclass(frozen=True)
class StageChange:
    at: dt.datetime
    old_kind: str
    new_kind: str


@dataclass(frozen=True)
class Span:
    """Time on one side; ``end`` is None while it is still running."""

    side: Side
    start: dt.datetime
    end: dt.datetime | None


@dataclass(frozen=True)
class History:
    spans: tuple[Span, ...]
    # When the ticket last entered resolved/closed, if it is there now.
    stopped_at: dt.datetime | None


def spans_from_history(
    created_at: dt.datetime, changes: Sequence[StageChange], current_kind: str
) -> History:
    """Spans per side, in order, adjacent spans of one side merged.

    1. The initial kind is the first change's ``old_kind`` (the CREATED
       event names the stage but not its kind); with no change, the
       current kind.
    2. Each change closes the running span (if its kind has a clock) at the
       change time and starts the next one.
    """
    ordered = sorted(changes, key=lambda change: change.at)
    kind = ordered[0].old_kind if ordered else current_kind
    since = created_at
    spans: list[Span] = []
    stopped_at = None

    def close(until: dt.datetime | None) -> None:
        side = SIDE_OF_KIND.get(kind)
        if side is None or (until is not None and until <= since):
            return
        if spans and spans[-1].side == side and spans[-1].end == since:
            spans[-1] = Span(side, spans[-1].start, until)
        else:
            spans.append(Span(side, since, until))

    for change in ordered:
        at = max(change.at, since)
        close(at)
        kind, since = change.new_kind, at
    close(None)
    if SIDE_OF_KIND.get(kind) is None:
        stopped_at = since
    return History(tuple(spans), stopped_at)


@dataclass(frozen=True)
class Segment:
    side: Side
    start: dt.datetime
    end: dt.datetime | None
    business: dt.timedelta


@dataclass(frozen=True)
class TargetStatus:
    state: State
    target: dt.timedelta | None = None
    elapsed: dt.timedelta = ZERO
    due_at: dt.datetime | None = None
    warn_at: dt.datetime | None = None


@dataclass(frozen=True)
class SlaStatus:
    segments: tuple[Segment, ...]
    totals: dict[Side, dt.timedelta]
    running_side: Side | None
    active: bool
    first_response: TargetStatus
    resolution: TargetStatus


def measure(spans: Sequence[Span], cal: Calendar, now: dt.datetime) -> list[Segment]:
    """Business time of each span; a running span is measured up to ``now``."""
    return [
        Segment(
            span.side,
            span.start,
            span.end,
            business_time_between(span.start, max(span.end or now, span.start), cal),
        )
        for span in spans
    ]


def _ours_until(
    segments: Sequence[Segment], instant: dt.datetime, cal: Calendar
) -> dt.timedelta:
    total = ZERO
    for segment in segments:
        if segment.side is not Side.OURS or segment.start >= instant:
            continue
        if segment.end is not None and segment.end <= instant:
            total += segment.business
        else:
            total += business_time_between(segment.start, instant, cal)
    return total


def _when_ours_reaches(
    segments: Sequence[Segment], amount: dt.timedelta, cal: Calendar
) -> dt.datetime | None:
    """The instant our clock reaches ``amount``: in the past if a finished
    span got there, in the future if the running span will; None if our
    clock is paused or stopped short of it."""
    done = ZERO
    for segment in segments:
        if segment.side is not Side.OURS:
            continue
        if segment.end is None or done + segment.business >= amount:
            return add_business_time(segment.start, amount - done, cal)
        done += segment.business
    return None


def _target_status(
    segments: Sequence[Segment],
    cal: Calendar,
    now: dt.datetime,
    *,
    target: dt.timedelta | None,
    warning_percent: int,
    stopped_at: dt.datetime | None,
    running_ours: bool,
) -> TargetStatus:
    if target is None:
        return TargetStatus(State.NONE)
    warning = target * warning_percent / 100
    due_at = _when_ours_reaches(segments, target, cal)
    warn_at = _when_ours_reaches(segments, warning, cal)
    if stopped_at is not None:
        elapsed = _ours_until(segments, stopped_at, cal)
        state = State.MET if elapsed <= target else State.BREACHED
        return TargetStatus(state, target, elapsed, due_at, warn_at)
    elapsed = _ours_until(segments, now, cal)
    if elapsed >= target:
        state = State.BREACHED
    elif elapsed >= warning:
        state = State.WARNING
    else:
        state = State.RUNNING if running_ours else State.PAUSED
    return TargetStatus(state, target, elapsed, due_at, warn_at)


def evaluate(
    history: History,
    cal: Calendar,
    now: dt.datetime,
    *,
    first_response_at: dt.datetime | None,
    first_response_target: dt.timedelta | None,
    resolution_target: dt.timedelta | None,
    warning_percent: int = 80,
) -> SlaStatus:
    """Measure the clocks and place both targets (R-SLA-1..3).

    The first-response clock is our clock up to the first reply (or up to
    resolution, for a ticket resolved without one); the resolution clock
    is our clock up to resolution. A reopened ticket's clocks resume.
    """
    segments = measure(history.spans, cal, now)
    totals = dict.fromkeys(Side, ZERO)
    for segment in segments:
        totals[segment.side] += segment.business
    running = next((s.side for s in segments if s.end is None), None)
    running_ours = running is Side.OURS
    first_stop = first_response_at or history.stopped_at
    return SlaStatus(
        segments=tuple(segments),
        totals=totals,
        running_side=running,
        active=history.stopped_at is None,
        first_response=_target_status(
            segments,
            cal,
            now,
            target=first_response_target,
            warning_percent=warning_percent,
            stopped_at=first_stop,
            running_ours=running_ours,
        ),
        resolution=_target_status(
            segments,
            cal,
            now,
            target=resolution_target,
            warning_percent=warning_percent,
            stopped_at=history.stopped_at,
            running_ours=running_ours,
        ),
    )
