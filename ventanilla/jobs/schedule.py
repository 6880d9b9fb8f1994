"""When periodic jobs are due: pure functions from "now" to a slot.

A slot names one run of a job: ``every(60)`` gives the start of the current
minute, ``daily_at([09:00, 12:00, 16:00], Lima)`` the latest review time
already reached today (if it is recent enough). Two workers computing the
slot at the same moment get the same value, which is what lets the
``ScheduledRun`` row decide who runs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SlotOf = Callable[[dt.datetime], dt.datetime | None]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    slot: SlotOf
    run: Callable[[dt.datetime, dt.datetime], object]  # (now, slot)


def every(seconds: int) -> SlotOf:
    """Slots of ``seconds`` counted from the Unix epoch, in UTC."""
    if seconds <= 0:
        raise ValueError("the period must be positive")

    def slot(now: dt.datetime) -> dt.datetime:
        stamp = int(now.timestamp()) // seconds * seconds
        return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)

    return slot


def daily_at(times: Sequence[dt.time], tz: ZoneInfo, *, grace: dt.timedelta) -> SlotOf:
    """The latest of ``times`` (wall clock in ``tz``) that has passed today,
    if it passed less than ``grace`` ago; otherwise no slot.

    A worker started at 09:20 still sends the 09:00 digest; one started at
    11:00 does not send it late, and waits for 12:00.
    """
    ordered = sorted(times)

    def slot(now: dt.datetime) -> dt.datetime | None:
        local = now.astimezone(tz)
        reached = [
            dt.datetime.combine(local.date(), moment, tzinfo=tz)
            for moment in ordered
            if moment <= local.time().replace(tzinfo=None)
        ]
        if not reached:
            return None
        latest = reached[-1].astimezone(dt.UTC)
        return latest if now - latest < grace else None

    return slot


def parse_times(texts: Sequence[str]) -> list[dt.time]:
    """``["09:00", "12:00", "16:00"]`` -> times; refuses anything else."""
    return [dt.time.fromisoformat(text.strip()) for text in texts if text.strip()]
