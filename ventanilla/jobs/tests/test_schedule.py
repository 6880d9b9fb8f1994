"""Slots: every N seconds, and the review times of the day (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ventanilla.jobs.schedule import daily_at, every, parse_times

LIMA = ZoneInfo("America/Lima")
reviews = daily_at(
    parse_times(["09:00", "12:00", "16:00"]), LIMA, grace=dt.timedelta(hours=1)
)


def lima(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2025, 6, 2, hour, minute, second, tzinfo=LIMA)


def test_every_gives_one_slot_per_period():
    minute = every(60)

    assert minute(lima(9, 0, 1)) == minute(lima(9, 0, 59)) == lima(9)
    assert minute(lima(9, 1, 0)) == lima(9, 1)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (lima(8, 59), None),
        (lima(9, 0), lima(9)),
        (lima(9, 20), lima(9)),
        (lima(9, 59, 59), lima(9)),
        (lima(10, 0), None),  # an hour late: the 09:00 review is not sent
        (lima(12, 5), lima(12)),
        (lima(16, 30), lima(16)),
        (lima(23, 0), None),
    ],
)
def test_review_slot_is_the_latest_review_time_reached_within_the_hour(now, slot):
    assert reviews(now) == slot


def test_the_same_review_time_seen_from_another_zone_is_the_same_slot():
    seen_in_utc = lima(9, 5).astimezone(dt.UTC)

    assert reviews(seen_in_utc) == lima(9)


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError):
        every(0)
    with pytest.raises(ValueError):
        parse_times(["9h"])
