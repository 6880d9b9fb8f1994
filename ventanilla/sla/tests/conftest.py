from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ventanilla.sla import actions

LIMA = ZoneInfo("America/Lima")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An instant given in Lima's wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LIMA)


@pytest.fixture
def lima_calendar(db: None):
    """Monday to Friday 09:00-13:00 and 14:00-18:00, Peruvian holidays."""
    return actions.create_calendar(name="Lima", is_default=True)


@pytest.fixture
def finanzas_alta(org, lima_calendar):
    """Finanzas, Alta: first response in 4 h, resolution in 6 days (48 h)."""
    return actions.create_policy(
        name="Finanzas - Alta",
        calendar=lima_calendar,
        pipeline=org.finanzas,
        priority=org.alta,
        first_response_minutes=4 * 60,
        resolution_minutes=48 * 60,
    )
