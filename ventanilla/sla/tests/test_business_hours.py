"""Business-time arithmetic across nights, lunch breaks, weekends, holidays
and daylight-saving changes, checked by hand and by invariants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ventanilla.sla.business_hours import (
    Calendar,
    add_business_time,
    business_time_between,
    make_calendar,
)

LIMA = ZoneInfo("America/Lima")
MADRID = ZoneInfo("Europe/Madrid")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

# Monday to Friday 09:00-13:00 and 14:00-18:00, Peruvian holidays.
lima = make_calendar()
always_madrid = make_calendar(
    time_zone="Europe/Madrid",
    weekly={d: [("00:00", "24:00")] for d in range(7)},
    country="",
)
office_madrid = make_calendar(
    time_zone="Europe/Madrid",
    weekly={d: [("09:00", "14:00"), ("15:00", "18:00")] for d in range(5)},
    country="ES",
    subdivision="MD",
)


def at(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # Within the morning.
        (at(LIMA, 2025, 6, 2, 9), 2 * H, at(LIMA, 2025, 6, 2, 11)),
        # Ending exactly when the morning ends: 13:00, not 14:00.
        (at(LIMA, 2025, 6, 2, 9), 4 * H, at(LIMA, 2025, 6, 2, 13)),
        # Across the lunch break.
        (at(LIMA, 2025, 6, 2, 12, 30), H, at(LIMA, 2025, 6, 2, 14, 30)),
        # Starting during lunch.
        (at(LIMA, 2025, 6, 2, 13, 20), 30 * M, at(LIMA, 2025, 6, 2, 14, 30)),
        # Across the night.
        (at(LIMA, 2025, 6, 3, 17, 30), H, at(LIMA, 2025, 6, 4, 9, 30)),
        # Starting at night.
        (at(LIMA, 2025, 6, 3, 22), 30 * M, at(LIMA, 2025, 6, 4, 9, 30)),
        # Across the weekend.
        (at(LIMA, 2025, 6, 6, 17, 30), H, at(LIMA, 2025, 6, 9, 9, 30)),
        # Starting on Sunday.
        (at(LIMA, 2025, 6, 8, 11), 8 * H, at(LIMA, 2025, 6, 9, 18)),
        # Across Independence Day (Mon 28 and Tue 29 July 2025).
        (at(LIMA, 2025, 7, 25, 17), 4 * H, at(LIMA, 2025, 7, 30, 12)),
        # A whole working week.
        (at(LIMA, 2025, 6, 2, 9), 40 * H, at(LIMA, 2025, 6, 6, 18)),
        # Zero is the start itself, even at night.
        (at(LIMA, 2025, 6, 3, 22), dt.timedelta(0), at(LIMA, 2025, 6, 3, 22)),
    ],
)
def test_add_business_time_in_lima(start, duration, expected):
    assert add_business_time(start, duration, lima) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (at(LIMA, 2025, 6, 2, 9), at(LIMA, 2025, 6, 2, 18), 8 * H),
        (at(LIMA, 2025, 6, 6, 17), at(LIMA, 2025, 6, 9, 10), 2 * H),
        (at(LIMA, 2025, 6, 7, 10), at(LIMA, 2025, 6, 8, 20), dt.timedelta(0)),
        (at(LIMA, 2025, 6, 2, 0), at(LIMA, 2025, 6, 9, 0), 40 * H),
        # The week of Independence Day has three working days.
        (at(LIMA, 2025, 7, 28, 0), at(LIMA, 2025, 8, 2, 0), 24 * H),
        # Christmas 2025 is a Thursday.
        (at(LIMA, 2025, 12, 24, 17), at(LIMA, 2025, 12, 26, 10), 2 * H),
        # Backwards is negative.
        (at(LIMA, 2025, 6, 2, 18), at(LIMA, 2025, 6, 2, 9), -8 * H),
    ],
)
def test_business_time_between_in_lima(a, b, expected):
    assert business_time_between(a, b, lima) == expected


def test_instants_in_other_zones_are_the_same_instants():
    a = at(LIMA, 2025, 6, 2, 9).astimezone(dt.UTC)
    b = at(LIMA, 2025, 6, 2, 18).astimezone(MADRID)

    assert business_time_between(a, b, lima) == 8 * H
    assert add_business_time(a, H, lima) == at(LIMA, 2025, 6, 2, 10)


def test_custom_closing_days_are_holidays():
    closed = make_calendar(extra_holidays=[dt.date(2025, 6, 3)])

    assert (
        business_time_between(at(LIMA, 2025, 6, 2, 0), at(LIMA, 2025, 6, 5, 0), closed)
        == 16 * H
    )
    assert add_business_time(at(LIMA, 2025, 6, 2, 17), 2 * H, closed) == at(
        LIMA, 2025, 6, 4, 10
    )


def test_a_calendar_without_country_has_no_public_holidays():
    plain = make_calendar(country="")

    assert (
        business_time_between(at(LIMA, 2025, 7, 28, 0), at(LIMA, 2025, 7, 29, 0), plain)
        == 8 * H
    )


def test_spring_forward_night_is_an_hour_shorter_in_madrid():
    # 30 March 2025: 02:00 became 03:00.
    assert (
        business_time_between(
            at(MADRID, 2025, 3, 29), at(MADRID, 2025, 3, 31), always_madrid
        )
        == 47 * H
    )
    assert add_business_time(at(MADRID, 2025, 3, 30, 1), 2 * H, always_madrid) == at(
        MADRID, 2025, 3, 30, 4
    )


def test_fall_back_night_is_an_hour_longer_in_madrid():
    # 26 October 2025: 03:00 became 02:00 again.
    assert (
        business_time_between(
            at(MADRID, 2025, 10, 25), at(MADRID, 2025, 10, 27), always_madrid
        )
        == 49 * H
    )


def test_office_hours_in_madrid_are_unaffected_by_the_change_and_skip_holidays():
    friday, monday = at(MADRID, 2025, 3, 28, 17), at(MADRID, 2025, 3, 31, 10)
    assert business_time_between(friday, monday, office_madrid) == 2 * H
    # 1 May (national) and 2 May (Comunidad de Madrid) 2025.
    assert (
        business_time_between(
            at(MADRID, 2025, 4, 30, 18), at(MADRID, 2025, 5, 5, 10), office_madrid
        )
        == H
    )


def test_opening_hours_inside_the_spring_gap_count_real_time():
    sunday_night = make_calendar(
        time_zone="Europe/Madrid",
        weekly={6: [("01:00", "02:30"), ("02:30", "04:00")]},
        country="",
    )
    day = at(MADRID, 2025, 3, 30)

    assert business_time_between(day, day + 24 * H, sunday_night) == 2 * H
    autumn = at(MADRID, 2025, 10, 26)
    assert business_time_between(autumn, autumn + 24 * H, sunday_night) == 4 * H


def test_several_intervals_and_midnight_end():
    shifts = make_calendar(
        weekly={0: [("06:00", "10:00"), ("20:00", "24:00")]}, country=""
    )

    assert add_business_time(at(LIMA, 2025, 6, 2, 9), 2 * H, shifts) == at(
        LIMA, 2025, 6, 2, 21
    )
    assert add_business_time(at(LIMA, 2025, 6, 2, 9), 5 * H, shifts) == at(
        LIMA, 2025, 6, 3, 0
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(dt.datetime(2025, 6, 2, 9), H, lima),  # noqa: DTZ001
        lambda: add_business_time(at(LIMA, 2025, 6, 2), -H, lima),
        lambda: make_calendar(weekly={}),
        lambda: make_calendar(weekly={0: [("10:00", "09:00")]}),
        lambda: make_calendar(weekly={0: [("09:00", "12:00"), ("11:00", "13:00")]}),
    ],
)
def test_invalid_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


# -- invariants --------------------------------------------------------------

ZONES = ["America/Lima", "Europe/Madrid", "UTC"]


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    weekly: dict[int, list[tuple[str, str]]] = {}
    for day in range(7):
        points = sorted(
            draw(
                st.sets(st.integers(0, 24 * 4), max_size=4).filter(
                    lambda s: len(s) % 2 == 0
                )
            )
        )
        weekly[day] = [
            (f"{p // 4:02d}:{p % 4 * 15:02d}", f"{q // 4:02d}:{q % 4 * 15:02d}")
            for p, q in zip(points[::2], points[1::2], strict=True)
        ]
    if not any(weekly.values()):
        weekly[draw(st.integers(0, 6))] = [("09:00", "17:00")]
    return make_calendar(
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        country=draw(st.sampled_from(["", "PE", "ES"])),
    )


instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20))
# Other instants within six weeks of the first: long enough to cross
# weekends, holidays and clock changes, short enough to stay fast.
offsets = st.timedeltas(
    min_value=dt.timedelta(days=-45), max_value=dt.timedelta(days=45)
)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(calendars(), instants, durations)
def test_adding_then_measuring_gives_the_duration_back(cal, start, duration):
    end = add_business_time(start, duration, cal)

    assert business_time_between(start, end, cal) == duration
    assert end - start >= duration


@FAST
@given(calendars(), instants, durations, durations)
def test_adding_is_monotonic_in_the_duration(cal, start, d1, d2):
    small, large = sorted([d1, d2])

    assert add_business_time(start, small, cal) <= add_business_time(start, large, cal)


@FAST
@given(calendars(), instants, offsets, offsets)
def test_measuring_is_additive_and_antisymmetric(cal, a, to_b, to_c):
    b, c = a + to_b, a + to_c
    ab = business_time_between(a, b, cal)

    assert ab + business_time_between(b, c, cal) == business_time_between(a, c, cal)
    assert business_time_between(b, a, cal) == -ab


@FAST
@given(calendars(), instants, offsets)
def test_business_time_never_exceeds_real_time(cal, a, to_b):
    a, b = sorted([a, a + to_b])

    assert dt.timedelta(0) <= business_time_between(a, b, cal) <= b - a


@FAST
@given(calendars(), instants, durations.filter(bool))
def test_a_positive_addition_ends_inside_working_hours(cal, start, duration):
    end = add_business_time(start, duration, cal)

    day = end.astimezone(cal.tz).date()
    candidates = cal.intervals(day) + cal.intervals(day - dt.timedelta(days=1))
    assert any(begin < end <= finish for begin, finish in candidates)
