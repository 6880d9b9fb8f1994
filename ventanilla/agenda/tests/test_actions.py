"""Writes of the agenda: defaults, the ticket's trail, who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ventanilla.agenda import actions
from ventanilla.agenda.models import Activity, ActivityKind, AgendaFeed
from ventanilla.core.errors import ActionRefused
from ventanilla.desk.trail import describe
from ventanilla.tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def _events(ticket, *kinds):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=kinds).order_by("id")
    )


def test_activity_on_a_ticket_takes_its_requester_and_owner_and_is_recorded(
    classified_ticket, requester, rosario, alonso
):
    # given a ticket owned by Rosario, when Alonso plans a call on it
    due = timezone.now() + dt.timedelta(days=1)
    activity = actions.plan_activity(
        actor=alonso,
        ticket=classified_ticket,
        kind=ActivityKind.CALL,
        title="  Llamar   para confirmar\nla firma ",
        due_at=due,
    )

    # then it is Rosario's, about the requester, one line long...
    assert activity.owner == rosario
    assert activity.contact == requester
    assert activity.created_by == alonso
    assert activity.title == "Llamar para confirmar la firma"
    assert activity.done_at is None
    # ...and the ticket's trail says so, with the ids
    (event,) = _events(classified_ticket, EventKind.ACTIVITY_PLANNED)
    assert event.actor_user == alonso
    assert event.new == "Llamar para confirmar la firma"
    assert event.data["activity_id"] == activity.pk
    assert event.data["activity_kind"] == "call"
    assert event.data["due_at"] == due.isoformat()


def test_activity_on_an_unowned_ticket_goes_to_whoever_plans_it(ticket, alonso):
    activity = actions.plan_activity(
        actor=alonso, ticket=ticket, title="Revisar", due_at=timezone.now()
    )
    assert activity.owner == alonso


def test_a_contact_given_explicitly_wins_over_the_requester(ticket, alonso):
    activity = actions.plan_activity(
        actor=alonso, ticket=ticket, title="Nota", due_at=timezone.now(), contact=None
    )
    assert activity.contact is None


def test_an_own_to_do_has_no_ticket_and_writes_no_trail(rosario):
    before = TicketEvent.objects.count()
    activity = actions.plan_activity(
        actor=rosario, title="Preparar informe", due_at=timezone.now()
    )
    assert (activity.owner, activity.ticket, activity.contact) == (rosario, None, None)
    assert TicketEvent.objects.count() == before


def test_agent_of_another_team_cannot_plan_on_the_ticket(classified_ticket, carmen):
    with pytest.raises(ActionRefused) as refused:
        actions.plan_activity(
            actor=carmen,
            ticket=classified_ticket,
            title="Llamar",
            due_at=timezone.now(),
        )
    assert refused.value.code == "not_allowed"
    assert not Activity.objects.exists()


def test_the_owner_must_be_able_to_open_the_ticket(classified_ticket, rosario, carmen):
    with pytest.raises(ActionRefused) as refused:
        actions.plan_activity(
            actor=rosario,
            ticket=classified_ticket,
            title="Llamar",
            due_at=timezone.now(),
            owner=carmen,
        )
    assert refused.value.code == "owner_cannot_see"


def test_customers_cannot_plan(cliente, classified_ticket):
    with pytest.raises(ActionRefused) as refused:
        actions.plan_activity(
            actor=cliente, title="Algo", due_at=timezone.now(), owner=cliente
        )
    assert refused.value.code == "not_staff"


def test_an_agent_plans_own_to_dos_only_for_themselves(rosario, alonso, admin):
    with pytest.raises(ActionRefused) as refused:
        actions.plan_activity(
            actor=rosario, title="Para Alonso", due_at=timezone.now(), owner=alonso
        )
    assert refused.value.code == "not_allowed"
    # an admin may hand one over
    activity = actions.plan_activity(
        actor=admin, title="Para Alonso", due_at=timezone.now(), owner=alonso
    )
    assert activity.owner == alonso


def test_title_and_time_zone_are_required(rosario):
    with pytest.raises(ActionRefused) as blank:
        actions.plan_activity(actor=rosario, title=" \n ", due_at=timezone.now())
    assert blank.value.code == "title_required"
    with pytest.raises(ActionRefused) as naive:
        actions.plan_activity(
            actor=rosario,
            title="Algo",
            due_at=dt.datetime(2026, 5, 4, 10, 0),  # noqa: DTZ001 - on purpose
        )
    assert naive.value.code == "due_without_zone"


def test_complete_and_reopen_are_recorded(classified_ticket, rosario, alonso, plan):
    # given
    activity = plan(alonso, ticket=classified_ticket)

    # when Alonso completes Rosario's activity
    done = actions.complete_activity(activity, actor=alonso)

    # then
    assert done.done_by == alonso and done.done_at is not None
    with pytest.raises(ActionRefused) as twice:
        actions.complete_activity(done, actor=rosario)
    assert twice.value.code == "activity_already_done"

    # when reopened
    again = actions.reopen_activity(done, actor=rosario)

    # then it is open again, and the trail has both
    again.refresh_from_db()
    assert (again.done_at, again.done_by) == (None, None)
    kinds = [
        e.kind
        for e in _events(
            classified_ticket, EventKind.ACTIVITY_DONE, EventKind.ACTIVITY_REOPENED
        )
    ]
    assert kinds == [EventKind.ACTIVITY_DONE, EventKind.ACTIVITY_REOPENED]
    with pytest.raises(ActionRefused):
        actions.reopen_activity(again, actor=rosario)


def test_another_team_cannot_complete_the_tickets_activity(
    classified_ticket, rosario, carmen, plan
):
    activity = plan(rosario, ticket=classified_ticket)
    with pytest.raises(ActionRefused):
        actions.complete_activity(activity, actor=carmen)
    activity.refresh_from_db()
    assert activity.done_at is None


def test_own_to_do_is_acted_on_by_its_owner_and_supervisors(
    rosario, alonso, lucia, plan
):
    activity = plan(rosario, title="Preparar informe")
    with pytest.raises(ActionRefused):
        actions.complete_activity(activity, actor=alonso)
    assert actions.complete_activity(activity, actor=lucia).done_by == lucia


def test_rescheduling_records_the_old_and_new_due_time_in_words(
    classified_ticket, rosario, plan
):
    # given an activity due on 4 May at 10:00, Lima time
    activity = plan(rosario, ticket=classified_ticket, kind=ActivityKind.MEETING)
    lima = timezone.get_default_timezone()
    first = dt.datetime(2026, 5, 4, 10, 0, tzinfo=lima)
    activity = actions.update_activity(activity, actor=rosario, due_at=first)

    # when it moves to the 6th at 15:30
    moved = actions.update_activity(
        activity,
        actor=rosario,
        due_at=dt.datetime(2026, 5, 6, 15, 30, tzinfo=lima),
    )

    # then
    moved.refresh_from_db()
    assert moved.due_at == dt.datetime(2026, 5, 6, 20, 30, tzinfo=dt.UTC)
    event = _events(classified_ticket, EventKind.ACTIVITY_UPDATED)[-1]
    line = describe(event)
    assert line.what == "reprogramó la actividad “Llamar al cliente”"
    assert (line.old, line.new) == ("04/05/2026 10:00", "06/05/2026 15:30")


def test_update_changes_only_what_is_given_and_records_nothing_otherwise(
    classified_ticket, rosario, alonso, plan
):
    activity = plan(rosario, ticket=classified_ticket)
    before = TicketEvent.objects.count()
    same = actions.update_activity(activity, actor=rosario, title="Llamar al cliente")
    assert TicketEvent.objects.count() == before
    changed = actions.update_activity(
        same, actor=rosario, title="Llamar otra vez", owner=alonso
    )
    changed.refresh_from_db()
    assert (changed.title, changed.owner) == ("Llamar otra vez", alonso)
    event = _events(classified_ticket, EventKind.ACTIVITY_UPDATED)[-1]
    assert event.data["changed"] == ["title", "owner"]
    assert describe(event).what == "cambió una actividad (Tarea)"


def test_only_open_activities_can_be_deleted(classified_ticket, rosario, plan):
    # given
    mistake = plan(rosario, ticket=classified_ticket)
    done = actions.complete_activity(
        plan(rosario, ticket=classified_ticket), actor=rosario
    )

    # when / then
    actions.delete_activity(mistake, actor=rosario)
    assert not Activity.objects.filter(pk=mistake.pk).exists()
    (event,) = _events(classified_ticket, EventKind.ACTIVITY_DELETED)
    assert event.new == "Llamar al cliente"
    with pytest.raises(ActionRefused) as refused:
        actions.delete_activity(done, actor=rosario)
    assert refused.value.code == "activity_done"
    assert Activity.objects.filter(pk=done.pk).exists()


def test_the_trail_tells_each_activity_change_in_spanish(
    classified_ticket, rosario, plan
):
    # given
    lima = timezone.get_default_timezone()
    activity = actions.plan_activity(
        actor=rosario,
        ticket=classified_ticket,
        kind=ActivityKind.CALL,
        title="Llamar al cliente",
        due_at=dt.datetime(2026, 5, 4, 10, 0, tzinfo=lima),
    )
    actions.complete_activity(activity, actor=rosario)

    # when
    lines = [
        describe(e)
        for e in _events(
            classified_ticket, EventKind.ACTIVITY_PLANNED, EventKind.ACTIVITY_DONE
        )
    ]

    # then
    assert [(line.what, line.new) for line in lines] == [
        (
            "planificó una actividad (Llamada) para el 04/05/2026 10:00",
            "Llamar al cliente",
        ),
        ("completó una actividad (Llamada)", "Llamar al cliente"),
    ]


def test_renewing_the_feed_token_replaces_the_old_one(rosario, cliente):
    first = actions.renew_feed_token(user=rosario)
    second = actions.renew_feed_token(user=rosario)
    assert first.pk == second.pk
    assert first.token != second.token and len(second.token) >= 40
    assert AgendaFeed.objects.get(user=rosario).token == second.token
    with pytest.raises(ActionRefused):
        actions.renew_feed_token(user=cliente)
