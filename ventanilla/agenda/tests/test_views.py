"""Activities on the desk: the ticket's Activities tab, "Convertir en
tarea", the row buttons and the agenda page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ventanilla.agenda import actions
from ventanilla.agenda.models import Activity, AgendaFeed
from ventanilla.desk.tests.conftest import signed_in
from ventanilla.pipelines.actions import set_playbook
from ventanilla.tickets.models import EventKind
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db

# The ticket page (session, user, agent, ticket, presence, SLA, sidebar...)
# plus the tab: the ticket's activities, the customer's others, the owners;
# the configuration tables kept by the process (``desk.catalogue.KEPT``).
TAB_QUERIES = 14
# The agenda page: the desk's frame plus the open activities, the done
# ones and the calendar feed.
AGENDA_QUERIES = 11


def _tab(ticket, tab="activities", **params):
    url = reverse("desk:ticket", args=[ticket.number])
    query = "&".join(f"{k}={v}" for k, v in {"tab": tab, **params}.items())
    return f"{url}?{query}"


def _htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}


def test_activities_tab_costs_the_same_however_many_activities(
    as_rosario,
    org,
    requester,
    classified_ticket,
    rosario,
    plan,
    django_assert_num_queries,
):
    # given one activity of each sort
    other = open_test_ticket(org.finanzas, requester=requester)
    plan(rosario, ticket=classified_ticket, title="Primera")
    actions.complete_activity(plan(rosario, ticket=classified_ticket), actor=rosario)
    plan(rosario, ticket=other, title="Relacionada")
    as_rosario.get(_tab(classified_ticket))  # the process keeps the configuration
    with django_assert_num_queries(TAB_QUERIES):
        as_rosario.get(_tab(classified_ticket))

    # when there are many more
    for index in range(6):
        plan(rosario, ticket=classified_ticket, title=f"Tarea {index}")
        actions.complete_activity(
            plan(rosario, ticket=classified_ticket), actor=rosario
        )
        plan(rosario, ticket=other, title=f"Otra {index}")

    # then the page reads them in the same queries
    with django_assert_num_queries(TAB_QUERIES):
        response = as_rosario.get(_tab(classified_ticket))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('<li id="activity-') == 7 + 7 + 7
    assert "Otras actividades abiertas de este cliente" in text
    assert ">Actividades</a>" in text


def test_tab_renders_alone_for_htmx(as_rosario, classified_ticket):
    response = as_rosario.get(
        _tab(classified_ticket), **_htmx(HTTP_HX_TARGET="tab-panel")
    )
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div id="tab-panel">')
    assert b'id="activity-form"' in response.content


def test_other_tabs_do_not_read_activities(
    as_rosario, classified_ticket, rosario, plan
):
    plan(rosario, ticket=classified_ticket, title="No se lee aquí")
    response = as_rosario.get(_tab(classified_ticket, "interactions"))
    assert "No se lee aquí" not in response.content.decode()
    assert "activities" not in response.context


def test_playbook_turns_into_a_prefilled_task(as_rosario, org, classified_ticket):
    # given the type's required action, and an SLA due tomorrow
    set_playbook(
        org.adicion, playbook="Cerrar ticket y\ncrear un negocio", guide_url=""
    )
    due = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    type(classified_ticket).objects.filter(pk=classified_ticket.pk).update(
        sla_due_at=due
    )

    # then the reply tab offers to turn it into a task...
    text = as_rosario.get(_tab(classified_ticket, "interactions")).content.decode()
    assert "Convertir en tarea" in text
    assert "?tab=activities&amp;from=playbook" in text

    # ...which opens the form with the action as title, due with the SLA
    response = as_rosario.get(_tab(classified_ticket, **{"from": "playbook"}))
    form = response.context["activity_form"]
    assert form.initial["title"] == "Cerrar ticket y crear un negocio"
    assert form.initial["due_at"] == due
    assert 'value="Cerrar ticket y crear un negocio"' in response.content.decode()


def test_no_task_offer_without_a_playbook(as_rosario, org, requester, rosario):
    ticket = open_test_ticket(org.finanzas, requester=requester, type=org.rescate)
    text = as_rosario.get(_tab(ticket, "interactions")).content.decode()
    assert "Convertir en tarea" not in text


def test_planning_from_the_tab(as_rosario, classified_ticket, rosario, alonso):
    # when Rosario plans a call for Alonso
    response = as_rosario.post(
        reverse("desk:plan-activity", args=[classified_ticket.number]),
        {
            "kind": "call",
            "title": "Llamar al cliente",
            "due_at": "2026-05-04T10:00",
            "owner": alonso.pk,
            "notes": "Confirmar datos bancarios",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=activities")
    activity = Activity.objects.get()
    assert (activity.owner, activity.kind, activity.ticket) == (
        alonso,
        "call",
        classified_ticket,
    )
    # the form's time is Lima's
    assert activity.due_at == dt.datetime(2026, 5, 4, 15, 0, tzinfo=dt.UTC)
    assert classified_ticket.events.filter(kind=EventKind.ACTIVITY_PLANNED).exists()


def test_invalid_plan_comes_back_with_the_form(as_rosario, classified_ticket):
    url = reverse("desk:plan-activity", args=[classified_ticket.number])
    data = {"kind": "task", "title": "", "due_at": "mañana"}

    response = as_rosario.post(url, data, **_htmx())
    assert response.status_code == 422
    assert response.content.lstrip().startswith(b'<form id="activity-form"')
    assert b"field-error" in response.content

    full = as_rosario.post(url, data)
    assert full.status_code == 422
    assert b'id="tab-panel"' in full.content
    assert not Activity.objects.exists()


def test_an_owner_outside_the_team_is_refused(as_rosario, classified_ticket, carmen):
    # carmen is not offered, and a forged post is refused by the form
    response = as_rosario.post(
        reverse("desk:plan-activity", args=[classified_ticket.number]),
        {
            "kind": "task",
            "title": "X",
            "due_at": "2026-05-04T10:00",
            "owner": carmen.pk,
        },
        **_htmx(),
    )
    assert response.status_code == 422
    assert not Activity.objects.exists()


def test_agent_of_another_team_gets_404_everywhere(
    as_carmen, classified_ticket, rosario, plan
):
    activity = plan(rosario, ticket=classified_ticket)
    assert as_carmen.get(_tab(classified_ticket)).status_code == 404
    plan_url = reverse("desk:plan-activity", args=[classified_ticket.number])
    assert (
        as_carmen.post(
            plan_url, {"kind": "task", "title": "X", "due_at": "2026-05-04T10:00"}
        ).status_code
        == 404
    )
    for name in ("complete", "reopen", "reschedule", "delete"):
        url = reverse(f"desk:{name}-activity", args=[activity.pk])
        assert as_carmen.post(url, {"due_at": "2026-05-04T10:00"}).status_code == 404
    activity.refresh_from_db()
    assert activity.done_at is None


def test_customers_and_strangers_cannot_use_the_desk(cliente, client, rosario, plan):
    activity = plan(rosario)
    url = reverse("desk:complete-activity", args=[activity.pk])
    assert signed_in(cliente).post(url).status_code == 403
    assert client.post(url).status_code == 302  # to the sign-in page
    assert signed_in(cliente).get(reverse("desk:agenda")).status_code == 403


def test_completing_with_htmx_swaps_the_row(
    as_rosario, classified_ticket, rosario, plan
):
    # given
    activity = plan(rosario, ticket=classified_ticket, title="Enviar contrato")

    # when
    response = as_rosario.post(
        reverse("desk:complete-activity", args=[activity.pk]),
        {"where": "ticket", "next": _tab(classified_ticket)},
        **_htmx(),
    )

    # then the row comes back done, offering to reopen it
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(f'<li id="activity-{activity.pk}"')
    assert "activity-done" in text
    assert reverse("desk:reopen-activity", args=[activity.pk]) in text
    assert f"#{classified_ticket.number}" not in text  # on its own ticket
    activity.refresh_from_db()
    assert activity.done_by == rosario

    # and completing it again is refused in the row
    again = as_rosario.post(
        reverse("desk:complete-activity", args=[activity.pk]), **_htmx()
    )
    assert again.status_code == 422
    assert "ya está hecha" in again.content.decode()


def test_completing_without_javascript_goes_back(as_rosario, rosario, plan):
    activity = plan(rosario)
    response = as_rosario.post(
        reverse("desk:complete-activity", args=[activity.pk]),
        {"next": "/desk/agenda/?after=1.1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/agenda/?after=1.1"
    elsewhere = as_rosario.post(
        reverse("desk:reopen-activity", args=[activity.pk]),
        {"next": "https://evil.example/"},
    )
    assert elsewhere["Location"] == reverse("desk:agenda")


def test_reschedule_and_delete_from_a_row(as_rosario, rosario, plan):
    activity = plan(rosario)
    moved = as_rosario.post(
        reverse("desk:reschedule-activity", args=[activity.pk]),
        {"due_at": "2026-06-01T09:15"},
        **_htmx(),
    )
    assert moved.status_code == 200
    assert 'value="2026-06-01T09:15"' in moved.content.decode()
    activity.refresh_from_db()
    assert activity.due_at == dt.datetime(2026, 6, 1, 14, 15, tzinfo=dt.UTC)
    bad = as_rosario.post(
        reverse("desk:reschedule-activity", args=[activity.pk]),
        {"due_at": "pronto"},
        **_htmx(),
    )
    assert bad.status_code == 422
    gone = as_rosario.post(
        reverse("desk:delete-activity", args=[activity.pk]), **_htmx()
    )
    assert gone.status_code == 200 and gone.content.strip() == b""
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_agenda_page_costs_the_same_however_many_activities(
    as_rosario, classified_ticket, rosario, plan, django_assert_num_queries
):
    # given
    plan(rosario, ticket=classified_ticket, hours=-3, title="Atrasada")
    plan(rosario, hours=0.1, title="Ahora")
    plan(rosario, ticket=classified_ticket, hours=72, title="Luego")
    actions.complete_activity(plan(rosario, hours=1), actor=rosario)
    actions.renew_feed_token(user=rosario)
    url = reverse("desk:agenda")
    with django_assert_num_queries(AGENDA_QUERIES):
        as_rosario.get(url)

    # when
    for index in range(8):
        plan(rosario, ticket=classified_ticket, hours=-5 - index)
        plan(rosario, ticket=classified_ticket, hours=48 + index)
        actions.complete_activity(plan(rosario, hours=2), actor=rosario)

    # then
    with django_assert_num_queries(AGENDA_QUERIES):
        response = as_rosario.get(url)
    agenda = response.context["agenda"]
    assert (len(agenda.overdue), len(agenda.upcoming), len(agenda.done)) == (
        9,
        9,
        9,
    )
    text = response.content.decode()
    assert "Mi agenda" in text and 'aria-current="page">Mi agenda' in text
    assert text.count("activity-overdue") == 9
    assert "Vencidas" in text
    feed = AgendaFeed.objects.get(user=rosario)
    assert f"http://testserver/agenda/feed/{feed.token}.ics" in text


def test_agenda_shows_only_the_agents_own(as_rosario, alonso, plan):
    plan(alonso, title="De Alonso")
    response = as_rosario.get(reverse("desk:agenda"))
    assert "De Alonso" not in response.content.decode()
    assert response.context["agenda"].is_empty


def test_agenda_pages_on(as_rosario, rosario, plan, monkeypatch):
    from ventanilla.agenda import queries

    monkeypatch.setattr(queries, "AGENDA_PAGE", 2)
    for hours in (30, 40, 50):
        plan(rosario, hours=hours, title=f"En {hours} horas")
    first = as_rosario.get(reverse("desk:agenda"))
    cursor = first.context["agenda"].next_cursor
    assert cursor and f"?after={cursor}" in first.content.decode()
    second = as_rosario.get(reverse("desk:agenda"), {"after": cursor})
    assert [a.title for a in second.context["agenda"].upcoming] == ["En 50 horas"]


def test_own_to_do_and_feed_from_the_agenda(as_rosario, rosario):
    # when she adds a to-do of her own
    response = as_rosario.post(
        reverse("desk:plan-own-activity"),
        {"kind": "task", "title": "Preparar informe", "due_at": "2026-05-04T10:00"},
    )
    assert response.status_code == 302
    assert Activity.objects.get().owner == rosario
    bad = as_rosario.post(reverse("desk:plan-own-activity"), {"title": ""}, **_htmx())
    assert bad.status_code == 422
    assert bad.content.lstrip().startswith(b'<form id="new-activity"')

    # and creates, then regenerates, her calendar address
    assert as_rosario.post(reverse("desk:renew-feed")).status_code == 302
    first = AgendaFeed.objects.get(user=rosario).token
    as_rosario.post(reverse("desk:renew-feed"))
    assert AgendaFeed.objects.get(user=rosario).token != first


def test_history_and_timeline_tell_the_activities(
    as_rosario, classified_ticket, rosario, plan
):
    activity = plan(rosario, ticket=classified_ticket, title="Visitar al cliente")
    actions.complete_activity(activity, actor=rosario)
    history = as_rosario.get(_tab(classified_ticket, "history")).content.decode()
    assert "planificó una actividad (Tarea) para el" in history
    assert "completó una actividad (Tarea)" in history
    timeline = as_rosario.get(_tab(classified_ticket, "timeline")).content.decode()
    assert "Visitar al cliente" in timeline
