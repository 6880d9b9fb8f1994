"""Calendar documents, validated by pydantic in strict mode."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f"times are HH:MM (00:00 to 24:00), got {value!r}")
    return value


def _date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


def _zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


Time = Annotated[str, AfterValidator(_time)]
IsoDate = Annotated[str, AfterValidator(_date)]
TimeZoneName = Annotated[str, AfterValidator(_zone)]
# [start, end]: a list, as JSON stores it (strict mode takes no list for a tuple).
Interval = Annotated[list[Time], Field(min_length=2, max_length=2)]
_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class WeeklyHours(BaseModel):
    """``{"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...}``."""

    model_config = _STRICT

    mon: list[Interval] = []
    tue: list[Interval] = []
    wed: list[Interval] = []
    thu: list[Interval] = []
    fri: list[Interval] = []
    sat: list[Interval] = []
    sun: list[Interval] = []

    @model_validator(mode="after")
    def _sorted_and_open(self) -> WeeklyHours:
        total = 0
        for day in WEEKDAYS:
            previous = "00:00"
            for start, end in getattr(self, day):
                if not previous <= start < end:
                    raise ValueError(f"{day}: intervals must be sorted and not overlap")
                previous = end
                total += 1
        if not total:
            raise ValueError("a calendar needs at least one working interval")
        return self

    def by_weekday(self) -> dict[int, list[tuple[str, str]]]:
        return {
            index: [(start, end) for start, end in getattr(self, day)]
            for index, day in enumerate(WEEKDAYS)
        }


class CalendarDocument(BaseModel):
    model_config = _STRICT

    time_zone: TimeZoneName
    weekly_hours: WeeklyHours
    country: str = ""
    subdivision: str = ""
    extra_holidays: list[IsoDate] = []
