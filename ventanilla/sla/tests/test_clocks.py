"""Clocks by side come from the stage history (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ventanilla.sla.business_hours import make_calendar
from ventanilla.sla.clocks import (
    History,
    Side,
    Span,
    StageChange,
    State,
    evaluate,
    spans_from_history,
)

LIMA = ZoneInfo("America/Lima")
H = dt.timedelta(hours=1)
cal = make_calendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LIMA)


MON = at(2025, 6, 2, 9)


def test_a_new_ticket_runs_our_clock_from_its_creation():
    history = spans_from_history(MON, [], "new")

    assert history == History((Span(Side.OURS, MON, None),), None)


def test_new_and_open_are_one_span_on_our_side():
    changes = [StageChange(at(2025, 6, 2, 10), "new", "open")]

    assert spans_from_history(MON, changes, "open").spans == (
        Span(Side.OURS, MON, None),
    )


def test_waiting_stages_run_the_customer_and_third_party_clocks():
    changes = [
        StageChange(at(2025, 6, 2, 10), "new", "waiting_customer"),
        StageChange(at(2025, 6, 2, 11), "waiting_customer", "open"),
        StageChange(at(2025, 6, 2, 12), "open", "waiting_third_party"),
        StageChange(at(2025, 6, 2, 15), "waiting_third_party", "resolved"),
    ]

    history = spans_from_history(MON, changes, "resolved")

    assert history.spans == (
        Span(Side.OURS, MON, at(2025, 6, 2, 10)),
        Span(Side.CUSTOMER, at(2025, 6, 2, 10), at(2025, 6, 2, 11)),
        Span(Side.OURS, at(2025, 6, 2, 11), at(2025, 6, 2, 12)),
        Span(Side.THIRD_PARTY, at(2025, 6, 2, 12), at(2025, 6, 2, 15)),
    )
    assert history.stopped_at == at(2025, 6, 2, 15)


def test_the_initial_kind_comes_from_the_first_change():
    # Opened straight into "waiting on customer" (e.g. an agent's outbound).
    changes = [StageChange(at(2025, 6, 2, 11), "waiting_customer", "open")]

    history = spans_from_history(MON, changes, "open")

    assert [span.side for span in history.spans] == [Side.CUSTOMER, Side.OURS]


def test_a_reopened_ticket_runs_again():
    changes = [
        StageChange(at(2025, 6, 2, 10), "new", "resolved"),
        StageChange(at(2025, 6, 2, 12), "resolved", "open"),
    ]

    history = spans_from_history(MON, changes, "open")

    assert history.stopped_at is None
    assert history.spans == (
        Span(Side.OURS, MON, at(2025, 6, 2, 10)),
        Span(Side.OURS, at(2025, 6, 2, 12), None),
    )


def test_running_target_has_a_due_time_and_a_warning_time():
    history = spans_from_history(MON, [], "new")

    status = evaluate(
        history,
        cal,
        at(2025, 6, 2, 10),
        first_response_at=None,
        first_response_target=4 * H,
        resolution_target=10 * H,
    )

    assert status.first_response.state == State.RUNNING
    assert status.first_response.due_at == at(2025, 6, 2, 13)
    assert status.first_response.warn_at == at(2025, 6, 2, 12, 12)  # 80% of 4 h
    assert status.resolution.due_at == at(2025, 6, 3, 11)
    assert status.totals[Side.OURS] == H


def test_waiting_on_the_customer_pauses_our_targets():
    changes = [StageChange(at(2025, 6, 2, 10), "new", "waiting_customer")]

    status = evaluate(
        spans_from_history(MON, changes, "waiting_customer"),
        cal,
        at(2025, 6, 4, 9),
        first_response_at=at(2025, 6, 2, 10),
        first_response_target=4 * H,
        resolution_target=10 * H,
    )

    assert status.running_side is Side.CUSTOMER
    assert status.resolution.state == State.PAUSED
    assert status.resolution.due_at is None
    assert status.resolution.elapsed == H
    assert status.first_response.state == State.MET
    assert status.totals[Side.CUSTOMER] == 15 * H  # Mon 10-18 (7 h) + Tue (8 h)


def test_warning_and_breach_follow_our_elapsed_time():
    history = spans_from_history(MON, [], "new")

    def state(now: dt.datetime) -> State:
        return evaluate(
            history,
            cal,
            now,
            first_response_at=None,
            first_response_target=None,
            resolution_target=4 * H,
        ).resolution.state

    assert state(at(2025, 6, 2, 12)) == State.RUNNING
    assert state(at(2025, 6, 2, 12, 12)) == State.WARNING
    assert state(at(2025, 6, 2, 14)) == State.BREACHED


def test_a_ticket_resolved_late_is_breached_and_on_time_is_met():
    def resolved_at(when: dt.datetime) -> State:
        history = spans_from_history(
            MON, [StageChange(when, "new", "resolved")], "resolved"
        )
        return evaluate(
            history,
            cal,
            at(2025, 6, 10, 9),
            first_response_at=None,
            first_response_target=None,
            resolution_target=4 * H,
        ).resolution.state

    assert resolved_at(at(2025, 6, 2, 13)) == State.MET
    assert resolved_at(at(2025, 6, 2, 14, 1)) == State.BREACHED


def test_without_targets_only_the_clocks_are_kept():
    status = evaluate(
        spans_from_history(MON, [], "new"),
        cal,
        at(2025, 6, 2, 11),
        first_response_at=None,
        first_response_target=None,
        resolution_target=None,
    )

    assert status.first_response.state == State.NONE
    assert status.resolution.state == State.NONE
    assert status.totals[Side.OURS] == 2 * H
