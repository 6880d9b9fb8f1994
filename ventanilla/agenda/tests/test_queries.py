"""Reads of the agenda: visibility, a ticket's activities with the
customer's others, the agenda's days and pages, the default due time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from ventanilla.agenda import actions, queries
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))  # Lima has no daylight saving


def test_activities_are_seen_through_their_ticket_or_their_owner(
    classified_ticket, rosario, alonso, carmen, lucia, admin, plan
):
    # given one activity on a Finanzas ticket and one own to-do of Alonso
    on_ticket = plan(rosario, ticket=classified_ticket)
    own = plan(alonso, title="Preparar informe")

    # then
    assert set(queries.visible_activities(rosario)) == {on_ticket}
    assert set(queries.visible_activities(alonso)) == {on_ticket, own}
    assert set(queries.visible_activities(carmen)) == set()
    assert set(queries.visible_activities(lucia)) == {on_ticket, own}
    assert set(queries.visible_activities(admin)) == {on_ticket, own}
    with pytest.raises(Http404):
        queries.access_activity(carmen, on_ticket.pk)
    with pytest.raises(Http404):
        queries.access_activity(rosario, own.pk)


def test_customers_see_no_activity(classified_ticket, rosario, cliente, plan):
    plan(rosario, ticket=classified_ticket)
    assert not queries.visible_activities(cliente).exists()


def test_a_ticket_lists_its_own_and_the_customers_other_open_activities(
    org, requester, classified_ticket, rosario, carmen, plan
):
    # given the same customer's other tickets in Finanzas and in Cobranzas
    other = open_test_ticket(org.finanzas, requester=requester, subject="Otra")
    cobranzas = open_test_ticket(org.cobranzas, requester=requester)
    late = plan(rosario, ticket=classified_ticket, hours=-2)
    soon = plan(rosario, ticket=classified_ticket, hours=3)
    done = actions.complete_activity(
        plan(rosario, ticket=classified_ticket), actor=rosario
    )
    related = plan(rosario, ticket=other, title="Visitar", hours=5)
    actions.complete_activity(plan(rosario, ticket=other), actor=rosario)
    plan(carmen, ticket=cobranzas, title="No visible para Rosario")
    about_customer = plan(rosario, title="Sin ticket", contact=requester, hours=30)

    # when
    found = queries.ticket_activities(classified_ticket, rosario)

    # then open ones by due time, done apart, and the customer's other
    # open ones she may see
    assert found.open == [late, soon]
    assert found.done == [done]
    assert found.related == [related, about_customer]
    assert found.related[0].ticket == other


def test_agenda_splits_overdue_today_and_upcoming_at_the_local_day(
    rosario, alonso, plan
):
    # given it is 16:00 in Lima
    with time_machine.travel(dt.datetime(2026, 3, 11, 16, 0, tzinfo=LIMA), tick=False):
        overdue = plan(rosario, hours=-20)
        today = plan(rosario, hours=7.5)  # 23:30
        tomorrow = plan(rosario, hours=8.5)  # 00:30 tomorrow
        done = actions.complete_activity(plan(rosario, hours=1), actor=rosario)
        plan(alonso, hours=1)  # someone else's

        # when
        agenda = queries.agenda(rosario)

    # then
    assert agenda.overdue == [overdue]
    assert agenda.today == [today]
    assert agenda.upcoming == [tomorrow]
    assert agenda.done == [done]
    assert agenda.next_cursor is None


def test_agenda_pages_follow_the_due_order_without_gaps_or_repeats(rosario, plan):
    # given five activities, two of them due at the same moment
    due = timezone.now() + dt.timedelta(days=2)
    made = [
        actions.plan_activity(actor=rosario, title=f"A{i}", due_at=due)
        for i in range(2)
    ] + [plan(rosario, hours=h) for h in (1, 60, 90)]

    # when read two at a time
    seen = []
    cursor = None
    for _page in range(5):
        page = queries.agenda(rosario, limit=2, after=cursor)
        seen += page.overdue + page.today + page.upcoming
        if page.next_cursor is None:
            break
        cursor = queries.Cursor.decode(page.next_cursor)
        # (later pages leave "done recently" to the first)
        assert cursor is not None

    # then
    expected = sorted(made, key=lambda a: (a.due_at, a.pk))
    assert seen == expected


def test_cursor_rejects_what_it_did_not_write():
    assert queries.Cursor.decode("") is None
    assert queries.Cursor.decode("1.2.3") is None
    assert queries.Cursor.decode("abc.1") is None
    assert queries.Cursor.decode("9" * 19 + ".1") is None
    cursor = queries.Cursor(dt.datetime(2026, 3, 11, 9, 0, 0, 5, tzinfo=dt.UTC), 7)
    assert queries.Cursor.decode(cursor.encode()) == cursor


def test_default_due_is_the_tickets_next_sla_due_time(classified_ticket):
    now = timezone.now()
    classified_ticket.sla_due_at = now + dt.timedelta(hours=3)
    assert queries.default_due_at(classified_ticket, now=now) == (
        now + dt.timedelta(hours=3)
    )


def test_default_due_is_next_business_morning_without_an_sla_ahead(
    classified_ticket,
):
    # given a ticket with no SLA clock (the sentinel), on Friday 24 July
    # 2026: the weekend and the national holidays of 28 and 29 July follow
    friday = dt.datetime(2026, 7, 24, 15, 0, tzinfo=LIMA)
    monday = dt.datetime(2026, 7, 27, 10, 0, tzinfo=LIMA)
    thursday = dt.datetime(2026, 7, 30, 10, 0, tzinfo=LIMA)

    # then
    assert queries.default_due_at(classified_ticket, now=friday) == monday
    assert queries.default_due_at(None, now=monday) == thursday
    # a breached SLA is no default: the morning after instead
    classified_ticket.sla_due_at = friday - dt.timedelta(hours=1)
    assert queries.default_due_at(classified_ticket, now=friday) == monday


def test_possible_owners_are_who_can_open_the_ticket(
    classified_ticket, rosario, alonso, carmen, lucia, admin
):
    owners = set(queries.possible_owners(classified_ticket))
    assert owners == {rosario, alonso, lucia, admin}
    assert carmen in set(queries.possible_owners(None))


def test_an_activity_on_a_ticket_moved_out_of_reach_leaves_the_agenda(
    org, classified_ticket, rosario, admin, plan
):
    # given Rosario's call on a Finanzas ticket
    call = plan(rosario, ticket=classified_ticket, hours=2)
    own = plan(rosario, title="Preparar informe", hours=3)
    assert queries.agenda(rosario).today + queries.agenda(rosario).upcoming

    # when the ticket moves to Cobranzas, which she cannot open
    tickets.move_to_pipeline(classified_ticket, pipeline=org.cobranzas, actor=admin)

    # then only her own to-do is left on her agenda and in her feed
    agenda = queries.agenda(rosario)
    assert call not in agenda.today + agenda.upcoming
    assert own in agenda.today + agenda.upcoming
    assert queries.feed_activities(rosario) == [own]
