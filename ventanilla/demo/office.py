"""The office hours of the demo organisation: when people read and write."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, tzinfo

import holidays


class OfficeCalendar:
    """Office hours of the organisation: when people read and write."""

    OPENS = time(8, 30)
    CLOSES = time(18, 30)
    # R-WF-6: the triage rounds of the admin assistant.
    REVIEWS = (time(9), time(12), time(16))

    def __init__(self, rng: random.Random, zone: tzinfo) -> None:
        self.rng = rng
        self.zone = zone
        self.holidays = holidays.country_holidays("PE")

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def business(self, moment: datetime) -> datetime:
        """``moment`` if the office is open then, else a while after it opens."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_workday(day) and self.OPENS <= local.time() < self.CLOSES:
            return moment
        if not self.is_workday(day) or local.time() >= self.CLOSES:
            day += timedelta(days=1)
        day = self.next_workday(day)
        opening = datetime.combine(day, self.OPENS, tzinfo=self.zone)
        return opening + timedelta(minutes=self.rng.randint(0, 90))

    def office_hours(
        self, first: datetime, last: datetime
    ) -> list[tuple[datetime, datetime]]:
        """The opening hours between ``first`` and ``last``, as intervals."""
        intervals = []
        day = first.astimezone(self.zone).date()
        while day <= last.astimezone(self.zone).date():
            if self.is_workday(day):
                opens = datetime.combine(day, self.OPENS, tzinfo=self.zone)
                closes = datetime.combine(day, self.CLOSES, tzinfo=self.zone)
                opens, closes = max(opens, first), min(closes, last)
                if opens < closes:
                    intervals.append((opens, closes))
            day += timedelta(days=1)
        return intervals

    def next_review(self, moment: datetime) -> datetime:
        """The first triage round at or after ``moment``."""
        local = moment.astimezone(self.zone)
        day = local.date()
        while True:
            if self.is_workday(day):
                for review in self.REVIEWS:
                    slot = datetime.combine(day, review, tzinfo=self.zone)
                    if slot >= local:
                        return slot + timedelta(minutes=self.rng.randint(2, 40))
            day += timedelta(days=1)
