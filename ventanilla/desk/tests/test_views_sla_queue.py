"""The "breaching SLA" queue, SLA-due ordering and time left in rows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from ventanilla.desk import queries
from ventanilla.sla import actions as sla
from ventanilla.tickets import actions
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
# A Tuesday inside business hours (09:00-13:00, 14:00-18:00).
DAY = dt.datetime(2026, 11, 17, tzinfo=LIMA)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return DAY.replace(hour=hour, minute=minute)


@pytest.fixture
def clocks(org, requester, rosario):
    """Finanzas tickets whose first response is due two business hours
    after they were opened (warned at half time); seen at 11:30."""
    calendar = sla.create_calendar(name="Lima", is_default=True)
    sla.create_policy(
        name="Finanzas",
        calendar=calendar,
        pipeline=org.finanzas,
        first_response_minutes=120,
        warning_percent=50,
    )
    plan = {
        "alta-late": (at(9, 0), org.alta),  # due 11:00: breached
        "alta-warn": (at(10, 30), org.alta),  # due 12:30, warned 11:30
        "media-late": (at(9, 10), org.media),  # due 11:10: breached
        "alta-fine": (at(11, 20), org.alta),  # due 13:20+1h lunch: fine
        "alta-soon": (at(10, 0), org.alta),  # due 12:00: within the hour
    }
    made = {}
    for name, (when, priority) in plan.items():
        with time_machine.travel(when, tick=False):
            made[name] = open_test_ticket(
                org.finanzas, requester=requester, subject=name, priority=priority
            )
    for ticket in made.values():
        sla.recompute(ticket.pk, now=at(11, 30))
    return made


def _numbers(response) -> list[int]:
    return [t.number for t in response.context["page"].tickets]


def test_breaching_queue_has_breached_warned_and_soon_due_tickets_by_priority_then_due(
    as_rosario, clocks
):
    with time_machine.travel(at(11, 30), tick=False):
        response = as_rosario.get(reverse("desk:queue", args=["breaching"]))
    expected = ["alta-late", "alta-soon", "alta-warn", "media-late"]
    assert _numbers(response) == [clocks[n].number for n in expected]
    assert response.context["nav"].breaching == 4


def test_every_queue_sorts_by_priority_then_sla_due(as_rosario, org, clocks):
    with time_machine.travel(at(11, 30), tick=False):
        response = as_rosario.get(reverse("desk:pipeline", args=[org.finanzas.slug]))
    expected = ["alta-late", "alta-soon", "alta-warn", "alta-fine", "media-late"]
    assert _numbers(response) == [clocks[n].number for n in expected]


def test_rows_show_time_left_or_overdue(as_rosario, org, clocks):
    with time_machine.travel(at(11, 30), tick=False):
        response = as_rosario.get(reverse("desk:pipeline", args=[org.finanzas.slug]))
    html = response.content.decode()
    assert "vencido hace 30 min" in html  # alta-late, due 11:00
    assert "quedan 1 h 00 min" in html  # alta-warn, due 12:30
    assert "sla-late" in html and "sla-soon" in html


def test_answering_takes_a_ticket_out_of_the_breaching_queue(
    as_rosario, clocks, rosario
):
    # given the late ticket gets its first response
    with time_machine.travel(at(11, 35), tick=False):
        actions.add_reply(
            clocks["alta-late"], author=rosario, body_text="Lo revisamos hoy."
        )
        sla.recompute(clocks["alta-late"].pk, now=at(11, 35))
        response = as_rosario.get(reverse("desk:queue", args=["breaching"]))
    # then only the others remain
    assert clocks["alta-late"].number not in _numbers(response)
    assert clocks["alta-soon"].number in _numbers(response)


def test_breaching_queue_is_scoped_and_bounded(
    as_carmen, clocks, django_assert_max_num_queries
):
    with (
        time_machine.travel(at(11, 30), tick=False),
        django_assert_max_num_queries(23),
    ):
        response = as_carmen.get(reverse("desk:queue", args=["breaching"]))
    assert _numbers(response) == []
    assert response.context["nav"].breaching == 0


def test_key_set_pages_follow_the_sla_order(rosario, org, clocks):
    flt = queries.QueueFilter(pipeline=org.finanzas)
    seen, cursor = [], None
    with time_machine.travel(at(11, 30), tick=False):
        for _page in range(5):
            page = queries.queue_page(
                rosario, flt, after=queries.Cursor.decode(cursor or ""), limit=2
            )
            seen += [t.number for t in page.tickets]
            cursor = page.next_cursor
            if cursor is None:
                break
        whole = queries.queue_page(rosario, flt)
    assert seen == [t.number for t in whole.tickets]
    assert len(seen) == 5


def test_resolved_and_closed_tickets_leave_the_breaching_queue_at_once(
    as_rosario, org, clocks
):
    # given two late tickets move to a resolved and a closed stage, and
    # their SLA times are not recomputed yet (the job runs after commit)
    resolved = org.finanzas.stages.get(kind="resolved")
    closed = org.finanzas.stages.get(kind="closed")
    for name, stage in (("alta-late", resolved), ("media-late", closed)):
        type(clocks[name]).objects.filter(pk=clocks[name].pk).update(stage=stage)
    # then the queue and its count show only the active ones
    with time_machine.travel(at(11, 30), tick=False):
        response = as_rosario.get(reverse("desk:queue", args=["breaching"]))
    assert _numbers(response) == [clocks[n].number for n in ("alta-soon", "alta-warn")]
    assert response.context["nav"].breaching == 2


def test_the_breaching_queue_shows_only_the_agents_pipelines(
    as_carmen, org, requester, clocks
):
    # given a late ticket in Cobranzas, besides Finanzas' late ones
    late = open_test_ticket(org.cobranzas, requester=requester, subject="x")
    type(late).objects.filter(pk=late.pk).update(
        sla_due_at=at(9, 0), sla_warn_at=at(8, 0)
    )
    with time_machine.travel(at(11, 30), tick=False):
        response = as_carmen.get(reverse("desk:queue", args=["breaching"]))
    # then carmen (Cobranzas) sees it and none of Finanzas'
    assert _numbers(response) == [late.number]
    assert response.context["nav"].breaching == 1
