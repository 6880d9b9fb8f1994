"""The demo's agents find work on their agenda: overdue, today, ahead."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from ventanilla.agenda import queries
from ventanilla.agenda.demo import plan_demo_activities
from ventanilla.agenda.models import Activity
from ventanilla.demo.tickets import generate_tickets
from ventanilla.tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_plans_activities_on_open_tickets_of_their_owners():
    # when the demo is built on a Wednesday morning in Lima
    morning = dt.datetime(
        2026, 3, 11, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    with time_machine.travel(morning):
        generate_tickets(count=40)
        now = timezone.now()

    # then every owner of open tickets has an agenda with each kind of day
    activities = list(Activity.objects.select_related("ticket__stage", "owner"))
    assert len(activities) >= 8
    assert all(a.ticket and a.ticket.owner_id == a.owner_id for a in activities)
    assert all(a.ticket.stage.kind not in ("resolved", "closed") for a in activities)
    owners = {a.owner for a in activities}
    for owner in owners:
        agenda = queries.agenda(owner, now=now)
        assert agenda.overdue or agenda.today or agenda.upcoming, owner
    everyone = [queries.agenda(owner, now=now) for owner in owners]
    assert any(agenda.overdue for agenda in everyone)
    assert any(agenda.today for agenda in everyone)
    assert any(agenda.upcoming for agenda in everyone)
    assert any(agenda.done for agenda in everyone)
    # ...written through the actions: the tickets' trails show them
    assert TicketEvent.objects.filter(kind=EventKind.ACTIVITY_PLANNED).count() == len(
        activities
    )

    # and building again plans nothing twice
    assert plan_demo_activities() == 0
