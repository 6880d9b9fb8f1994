"""Agenda fixtures: the desk's signed-in clients and its clean cache (so
page query counts are exact), and an activity factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from ventanilla.agenda import actions
from ventanilla.agenda.models import Activity
from ventanilla.desk.tests.conftest import (  # noqa: F401 - fixtures
    _clean_cache,
    as_carmen,
    as_lucia,
    as_rosario,
    browser_type_launch_args,
)


@pytest.fixture
def plan() -> Callable[..., Activity]:
    """Plan an activity through the action; due in ``hours`` from now."""

    def _plan(actor: Any, *, hours: float = 24, **fields: Any) -> Activity:
        fields.setdefault("title", "Llamar al cliente")
        return actions.plan_activity(
            actor=actor,
            due_at=timezone.now() + dt.timedelta(hours=hours),
            **fields,
        )

    return _plan
