"""The page catalogue: configuration rows read once, set on queue rows and
offered by the queue's forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ventanilla.desk import queries
from ventanilla.desk.catalogue import catalogue
from ventanilla.desk.forms import ClassificationForm, MoveForm, ReplyForm, StageForm
from ventanilla.directory import actions as directory
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def classified(org, requester, rosario):
    return open_test_ticket(
        org.finanzas,
        requester=requester,
        type=org.adicion,
        priority=org.alta,
        team=org.finanzas_team,
        owner=rosario,
    )


def test_rows_read_their_configuration_from_the_catalogue_without_queries(
    rosario, classified, django_assert_num_queries
):
    page = queries.queue_page(rosario, queries.QueueFilter())
    [row] = page.tickets
    with django_assert_num_queries(0):
        shown = (
            row.pipeline.name,
            row.stage.name,
            row.stage.kind,
            row.type.name,
            row.priority.name,
            row.owner.get_full_name(),
            row.team.name,
            row.requester.name,
            row.company.name,
        )
    assert shown[0] == "Finanzas"
    assert shown[3:6] == (classified.type.name, "Alta", "Rosario Quispe")
    assert row.stage == classified.stage


def test_an_owner_who_is_no_longer_an_agent_is_read_in_one_query(
    rosario, alonso, classified, django_assert_num_queries
):
    directory.deactivate_user(rosario)
    page = queries.queue_page(alonso, queries.QueueFilter())
    assert [t.number for t in page.tickets] == [classified.number]
    cat = catalogue(alonso)
    # the tables, kept since the page above read them: only the stamp
    with django_assert_num_queries(1):
        assert rosario.pk not in {user.pk for user in cat.agents}
    with django_assert_num_queries(0):
        cat.stages, cat.types, cat.priorities, cat.teams
    with django_assert_num_queries(1):
        cat.attach(page.tickets)
    with django_assert_num_queries(0):
        assert page.tickets[0].owner.username == "rosario"


def test_the_filter_offers_only_visible_pipelines_stages_and_types(
    as_rosario, org, classified
):
    response = as_rosario.get(reverse("desk:queue", args=["all"]))
    form = response.context["form"]
    stage_labels = [label for _, label in form.fields["stage"].widget.choices]
    assert any(label.startswith("Finanzas · ") for label in stage_labels)
    assert not any(label.startswith("Cobranzas") for label in stage_labels)
    pipelines = [label for _, label in form.fields["pipeline"].widget.choices]
    assert pipelines[1:] == ["Finanzas"]
    html = as_rosario.get(
        reverse("desk:queue", args=["all"]), {"panel": "filters"}
    ).content.decode()
    assert "Finanzas · " in html and "Cobranzas · " not in html
    # the option chosen in the query string comes back selected
    response = as_rosario.get(
        reverse("desk:queue", args=["all"]),
        {"priority": org.alta.pk, "panel": "filters"},
    )
    assert f'<option value="{org.alta.pk}" selected>Alta</option>' in (
        response.content.decode()
    )


def test_the_ticket_forms_offer_what_their_querysets_would(as_rosario, org, classified):
    response = as_rosario.get(reverse("desk:ticket", args=[classified.number]))
    context = response.context
    ticket = context["ticket"]

    def options(form: Any, field: str) -> list[tuple[str, str]]:
        return [
            (str(value), str(label))
            for value, label in form.fields[field].widget.choices
        ]

    plain = {
        "reply_form": (ReplyForm(ticket=ticket), ["stage"]),
        "stage_form": (StageForm(ticket=ticket), ["stage"]),
        "classify_form": (
            ClassificationForm(ticket=ticket),
            ["type", "reason", "priority", "owner", "team"],
        ),
        "move_form": (MoveForm(ticket=ticket), ["pipeline"]),
    }
    for name, (form, fields) in plain.items():
        for field in fields:
            offered = options(context[name], field)
            assert offered == options(form, field), (name, field)
            assert len(offered) > 1, (name, field)
    stages = [label for _, label in options(context["reply_form"], "stage")]
    assert "Cerrado" not in stages
    pipelines = [label for _, label in options(context["move_form"], "pipeline")]
    assert "Finanzas" not in pipelines and "Cobranzas" in pipelines


def test_a_configuration_change_shows_on_the_next_page(
    as_rosario, org, classified, django_assert_num_queries
):
    url = reverse("desk:queue", args=["all"])
    as_rosario.get(url)
    # when an administrator renames the priority the ticket has
    org.alta.name = "Urgente"
    org.alta.save()
    # then the next page reads the tables again and shows the new name
    response = as_rosario.get(url)
    [row] = response.context["page"].tickets
    assert row.priority.name == "Urgente"
    assert "Urgente" in response.content.decode()
    # and the pages after it read only the stamp
    with django_assert_num_queries(1):
        assert catalogue(row.owner).tables.by_field["priority"][org.alta.pk].name == (
            "Urgente"
        )


def test_visible_pipelines_from_the_tables_are_those_of_the_access_rules(
    org, rosario, alonso, carmen, lucia, admin, cliente, django_assert_num_queries
):
    from ventanilla.directory.access import visible_pipelines

    people = [rosario, alonso, carmen, lucia, admin, cliente]

    def both_ways() -> list[tuple[frozenset[int], frozenset[int]]]:
        return [
            (
                catalogue(user).visible,
                frozenset(visible_pipelines(user).values_list("pk", flat=True)),
            )
            for user in people
        ]

    seen = both_ways()
    assert all(kept == read for kept, read in seen)
    assert len({kept for kept, _read in seen}) > 2  # not all alike
    # an agent who joins a team sees its pipeline at once
    directory.add_agent_to_team(alonso.agent, team=org.servicio_team)
    assert org.servicio.pk in catalogue(alonso).visible
    assert all(kept == read for kept, read in both_ways())
    # the tables hold every agent's teams: no query per user
    assert catalogue(rosario).tables.agent_teams  # kept by the process
    with django_assert_num_queries(1):  # the stamp
        assert catalogue(carmen).visible == seen[2][0]
