"""Business-time arithmetic: pure functions over a working calendar.

A ``Calendar`` is a time zone, weekly opening hours (several intervals per
day allowed) and holidays (the ``holidays`` package for a country, plus
custom dates). Instants are aware datetimes; results are exact to the
microsecond (``timedelta``), which is what makes the invariants testable:

* ``business_time_between(a, add_business_time(a, d, cal), cal) == d``
* ``add_business_time`` is monotonic in the duration;
* ``business_time_between`` is additive: (a, b) + (b, c) == (a, c), and
  antisymmetric: (b, a) == -(a, b).

Opening hours are wall-clock times of the calendar's zone. Each day's
intervals are turned into UTC instants once, so a day whose clocks change
(Europe/Madrid in March and October) counts the real elapsed time: the
night of the spring change is an hour shorter. A wall time that does not
exist (inside the spring gap) is moved to the end of the gap; an ambiguous
one (autumn) is read as its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays as holidays_lib

UTC = dt.UTC
MINUTES_PER_DAY = 24 * 60
# How many days in a row without working time ``add_business_time``
# accepts before deciding the calendar never opens again.
_MAX_DAYS = 3 * 366

Interval = tuple[int, int]  # minutes since local midnight, [start, end)
_ZERO = dt.timedelta(0)
_DAY = dt.timedelta(days=1)


def parse_hours(
    spec: Mapping[int, Sequence[tuple[str, str]]],
) -> dict[int, list[Interval]]:
    """``{0: [("09:00", "13:00"), ("14:00", "18:00")]}`` -> minutes; 0 is Monday.

    ``"24:00"`` is allowed as an end.
    """

    def minutes(text: str) -> int:
        hours, _, mins = text.partition(":")
        value = int(hours) * 60 + int(mins or 0)
        if not 0 <= value <= MINUTES_PER_DAY:
            raise ValueError(f"not a time of day: {text!r}")
        return value

    return {
        weekday: [(minutes(start), minutes(end)) for start, end in intervals]
        for weekday, intervals in spec.items()
    }


@dataclass(frozen=True)
class Calendar:
    """Working hours in a time zone, minus holidays.

    ``weekly`` maps a weekday (0 = Monday) to sorted, non-overlapping
    intervals in minutes since midnight. ``country`` (ISO code, e.g. "PE")
    and ``subdivision`` pick the public holidays; ``extra_holidays`` adds
    closing days of the organisation.
    """

    tz: ZoneInfo
    weekly: Mapping[int, Sequence[Interval]]
    country: str = ""
    subdivision: str = ""
    extra_holidays: frozenset[dt.date] = frozenset()
    # Per-day cache of UTC intervals: calendars are built once and reused.
    _days: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _holidays: holidays_lib.HolidayBase | None = field(
        default=None, compare=False, hash=False, repr=False
    )
    # Business time from an anchor date to the start of each date: makes
    # measuring a long span two lookups instead of a walk over its days.
    _cumulative: dict[dt.date, dt.timedelta] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        weekly = {day: tuple(self.weekly.get(day, ())) for day in range(7)}
        for day, intervals in weekly.items():
            previous_end = -1
            for start, end in intervals:
                if not 0 <= start < end <= MINUTES_PER_DAY or start < previous_end:
                    raise ValueError(
                        f"weekday {day}: intervals must be sorted, "
                        f"non-overlapping and within the day, got {intervals}"
                    )
                previous_end = end
        if not any(weekly.values()):
            raise ValueError("a calendar needs at least one working interval")
        object.__setattr__(self, "weekly", weekly)
        if self.country:
            calendar = holidays_lib.country_holidays(
                self.country, subdiv=self.subdivision or None
            )
            object.__setattr__(self, "_holidays", calendar)

    def is_holiday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return True
        return self._holidays is not None and day in self._holidays

    def intervals(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The working intervals of a local date, as UTC instants."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        found: list[tuple[dt.datetime, dt.datetime]] = []
        if not self.is_holiday(day):
            midnight = dt.datetime(day.year, day.month, day.day)  # noqa: DTZ001
            for start, end in self.weekly[day.weekday()]:
                begin = _wall_to_utc(midnight + dt.timedelta(minutes=start), self.tz)
                finish = _wall_to_utc(midnight + dt.timedelta(minutes=end), self.tz)
                if finish > begin:
                    found.append((begin, finish))
        result = tuple(found)
        self._days[day] = result
        return result

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.tz).date()

    def day_total(self, day: dt.date) -> dt.timedelta:
        return sum((end - begin for begin, end in self.intervals(day)), _ZERO)

    def cumulative(self, day: dt.date) -> dt.timedelta:
        """Business time from the anchor (the first date asked) to the start
        of ``day``; negative before the anchor. Filled in both directions."""
        known = self._cumulative
        if not known:
            known[day] = _ZERO
            return _ZERO
        value = known.get(day)
        if value is not None:
            return value
        high = max(known)
        low = min(known)
        while day > high:
            known[high + _DAY] = known[high] + self.day_total(high)
            high += _DAY
        while day < low:
            known[low - _DAY] = known[low] - self.day_total(low - _DAY)
            low -= _DAY
        return known[day]


def make_calendar(
    *,
    time_zone: str = "America/Lima",
    weekly: Mapping[int, Sequence[tuple[str, str]]] | None = None,
    country: str = "PE",
    subdivision: str = "",
    extra_holidays: Iterable[dt.date] = (),
) -> Calendar:
    """A calendar from readable values; by default Lima, Monday to Friday
    09:00-13:00 and 14:00-18:00, Peruvian holidays."""
    spec = weekly if weekly is not None else DEFAULT_WEEKLY
    return Calendar(
        tz=ZoneInfo(time_zone),
        weekly=parse_hours(spec),
        country=country,
        subdivision=subdivision,
        extra_holidays=frozenset(extra_holidays),
    )


DEFAULT_WEEKLY: dict[int, list[tuple[str, str]]] = {
    day: [("09:00", "13:00"), ("14:00", "18:00")] for day in range(5)
}


def _wall_to_utc(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time of ``tz`` as a UTC instant.

    1. Ambiguous times (the repeated autumn hour) take their first
       occurrence (``fold=0``).
    2. Times in the spring gap do not exist; they become the instant the
       clocks jump, found by bisection between the two readings (the gap is
       at most a few hours, so a few dozen steps reach the microsecond).
    """
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    after_offset = high.astimezone(tz).utcoffset()
    while high - low > dt.timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return high


def _check_aware(*instants: dt.datetime) -> None:
    for instant in instants:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("business-time arithmetic needs aware datetimes")


def _days_from(day: dt.date) -> Iterator[dt.date]:
    while True:
        yield day
        day += dt.timedelta(days=1)


def add_business_time(
    start: dt.datetime, duration: dt.timedelta, cal: Calendar
) -> dt.datetime:
    """The instant when ``duration`` of business time has passed since ``start``.

    1. Zero gives ``start`` back, whether or not the calendar is open then.
    2. Otherwise walk the working intervals from ``start``'s local date,
       consuming each from ``max(start, interval start)``, and stop inside
       the interval where the duration runs out. The result is the earliest
       such instant: it can be an interval's end, never the next opening.
    """
    _check_aware(start)
    if duration < dt.timedelta(0):
        raise ValueError("duration must not be negative")
    start = start.astimezone(UTC)
    if duration == dt.timedelta(0):
        return start
    remaining = duration
    closed_days = 0
    for day in _days_from(cal.local_date(start)):
        intervals = cal.intervals(day)
        closed_days = 0 if intervals else closed_days + 1
        if closed_days > _MAX_DAYS:
            raise ValueError("the calendar has no working time in three years")
        if intervals and intervals[0][0] >= start:
            whole = cal.day_total(day)
            if remaining > whole:
                remaining -= whole
                continue
        for begin, end in intervals:
            if end <= start:
                continue
            begin = max(begin, start)
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(
    a: dt.datetime, b: dt.datetime, cal: Calendar
) -> dt.timedelta:
    """Business time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    _check_aware(a, b)
    if b < a:
        return -business_time_between(b, a, cal)
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    first_day, last_day = cal.local_date(a), cal.local_date(b)
    if first_day == last_day:
        return _clipped(cal, first_day, a, b)
    # 1. The rest of a's day, 2. the whole days between (from the running
    # totals), 3. the start of b's day. A day's intervals lie within its
    # local midnights, so a's day ends before b and b's day starts after a.
    middle = cal.cumulative(last_day) - cal.cumulative(first_day + _DAY)
    return _clipped(cal, first_day, a, b) + middle + _clipped(cal, last_day, a, b)


def _clipped(
    cal: Calendar, day: dt.date, a: dt.datetime, b: dt.datetime
) -> dt.timedelta:
    total = _ZERO
    for begin, end in cal.intervals(day):
        low, high = max(begin, a), min(end, b)
        if high > low:
            total += high - low
    return total
