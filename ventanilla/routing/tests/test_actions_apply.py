"""Applying a decision goes through tickets.actions with the deciding rule as
the actor; owners come from the type; the decision and flag are logged."""

from __future__ import annotations

import pytest

from ventanilla.directory.actions import deactivate_user
from ventanilla.pipelines import actions as pipelines
from ventanilla.pipelines.models import Scope, StageKind
from ventanilla.routing import actions, queries
from ventanilla.routing.engine import Facts
from ventanilla.routing.models import TicketRouting
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import ActorType, EventKind, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket, stage


@pytest.fixture
def triage_ticket(org, requester):
    return open_test_ticket(
        org.servicio, requester=requester, subject="Quiero hacer un rescate"
    )


@pytest.fixture
def rescate_owned(org, alonso, rosario):
    """Rescate with two default owners."""
    return pipelines.create_ticket_type(
        pipeline=org.finanzas,
        name="Rescate con dueños",
        default_owners=[alonso, rosario],
    )


def test_route_ticket_moves_and_classifies_with_the_rule_as_actor(
    org, triage_ticket, make_rule, alonso
):
    # given
    rule = make_rule(
        {"keywords": ["rescate"]},
        {
            "pipeline": org.finanzas.pk,
            "type": org.rescate.pk,
            "priority": org.alta.pk,
            "reason": org.pagos.pk,
            "owner": alonso.pk,
        },
        name="Rescates",
    )

    # when
    ticket = actions.route_ticket(triage_ticket)

    # then
    assert ticket.pipeline == org.finanzas
    assert ticket.stage.kind == StageKind.NEW
    assert (ticket.type, ticket.priority, ticket.reason) == (
        org.rescate,
        org.alta,
        org.pagos,
    )
    assert (ticket.owner, ticket.team) == (alonso, org.finanzas_team)
    automatic = ticket.events.exclude(kind=EventKind.CREATED)
    assert {e.actor_type for e in automatic} == {ActorType.RULE}
    assert {e.actor_label for e in automatic} == {"Rescates"}
    assert {e.data["rule_id"] for e in automatic} == {rule.pk}
    assert {e.field for e in automatic} >= {
        "pipeline",
        "stage",
        "type",
        "team",
        "priority",
        "reason",
        "owner",
    }


def test_each_field_names_the_rule_that_decided_it(org, triage_ticket, make_rule):
    make_rule({}, {"pipeline": org.finanzas.pk}, name="A Finanzas")
    make_rule({}, {"priority": org.alta.pk, "scope": "internal"}, name="Alta")

    ticket = actions.route_ticket(triage_ticket)

    by_field = {e.field: e.actor_label for e in ticket.events.exclude(field="")}
    assert by_field["pipeline"] == "A Finanzas"
    assert by_field["priority"] == "Alta"
    assert by_field["scope"] == "Alta"
    assert ticket.scope == Scope.INTERNAL


def test_owner_is_the_least_loaded_default_owner_of_the_type(
    org, requester, make_rule, rescate_owned, alonso, rosario
):
    # given alonso already works one ticket, rosario none
    open_test_ticket(org.finanzas, requester=requester, owner=alonso)
    make_rule({}, {"type": rescate_owned.pk}, name="Tipo")

    # when three tickets arrive one after another
    owners = [
        actions.route_ticket(open_test_ticket(org.servicio, requester=requester)).owner
        for _ in range(3)
    ]

    # then the load evens out; ties go to the first username (alonso)
    assert owners == [rosario, alonso, rosario]


def test_resolved_tickets_do_not_count_as_load(
    org, requester, make_rule, rescate_owned, alonso, rosario
):
    done = open_test_ticket(
        org.finanzas,
        requester=requester,
        owner=alonso,
        type=org.rescate,
        reason=org.pagos,
        priority=org.alta,
        team=org.finanzas_team,
    )
    tickets.change_stage(
        done, stage=stage(org.finanzas, StageKind.RESOLVED), actor=alonso
    )
    make_rule({}, {"type": rescate_owned.pk})

    ticket = actions.route_ticket(open_test_ticket(org.servicio, requester=requester))

    assert ticket.owner == alonso


def test_the_owner_assignment_is_attributed_to_the_rule_that_set_the_type(
    org, triage_ticket, make_rule, rescate_owned, alonso
):
    rule = make_rule({}, {"type": rescate_owned.pk}, name="Tipo rescate")

    ticket = actions.route_ticket(triage_ticket)

    event = ticket.events.get(field="owner")
    assert (event.actor_type, event.actor_label) == (ActorType.RULE, "Tipo rescate")
    assert event.data["rule_id"] == rule.pk


def test_a_type_without_default_owners_goes_to_the_least_loaded_team_agent(
    org, triage_ticket, requester, make_rule, alonso, rosario
):
    open_test_ticket(org.finanzas, requester=requester, owner=alonso)
    make_rule({}, {"type": org.finanzas_otros.pk})

    ticket = actions.route_ticket(triage_ticket)

    assert ticket.owner == rosario


def test_an_explicit_owner_wins_over_the_default_owners(
    org, triage_ticket, make_rule, rescate_owned, rosario, alonso
):
    make_rule({}, {"type": rescate_owned.pk, "owner": rosario.pk})

    assert actions.route_ticket(triage_ticket).owner == rosario


def test_a_refused_change_is_logged_and_the_others_still_apply(
    org, triage_ticket, make_rule, alonso
):
    # given a rule whose owner left after it was written
    make_rule({}, {"pipeline": org.finanzas.pk, "owner": alonso.pk}, name="Alonso")
    deactivate_user(alonso)

    # when
    ticket = actions.route_ticket(triage_ticket)

    # then
    assert ticket.pipeline == org.finanzas
    assert ticket.owner is None
    routing = TicketRouting.objects.get(ticket=ticket)
    assert [(e["change"], e["code"]) for e in routing.errors] == [
        ("owner", "owner_not_agent")
    ]


def test_tags_are_added_once_with_an_event_naming_the_rule(
    org, triage_ticket, make_rule
):
    make_rule({}, {"tags": ["Inversionistas", "urgente"]}, name="Etiquetas")

    ticket = actions.route_ticket(triage_ticket)
    ticket = actions.route_ticket(ticket)

    assert sorted(ticket.tags.values_list("name", flat=True)) == [
        "Inversionistas",
        "urgente",
    ]
    events = ticket.events.filter(field="tags")
    assert [(e.actor_label, e.new) for e in events] == [
        ("Etiquetas", "Inversionistas, urgente")
    ]


def test_removing_a_tag_is_recorded(org, triage_ticket, rosario):
    actions.add_tags(triage_ticket, names=["urgente"], actor=Actor.for_user(rosario))

    assert actions.remove_tag(
        triage_ticket, name="URGENTE", actor=Actor.for_user(rosario)
    )
    assert not triage_ticket.tags.exists()
    assert triage_ticket.events.filter(field="tags").last().new == ""


def test_unrouted_triage_ticket_is_flagged_and_listed(org, requester, make_rule):
    # given
    make_rule({"subject_initials": ["FIN"]}, {"pipeline": org.finanzas.pk})
    ticket = open_test_ticket(org.servicio, requester=requester, subject="Fin de mes")

    # when
    ticket = actions.route_ticket(ticket)

    # then
    assert ticket.pipeline == org.servicio
    assert ticket.routing.triage_flag == "missing_initial"
    event = ticket.events.get(field="triage_flag")
    assert event.actor_type == ActorType.SYSTEM
    assert list(queries.flagged_for_triage()) == [ticket]


def test_routing_again_after_a_move_clears_the_flag(org, requester, make_rule, lucia):
    ticket = actions.route_ticket(
        open_test_ticket(org.servicio, requester=requester, subject="Consulta")
    )
    tickets.move_to_pipeline(ticket, pipeline=org.finanzas, actor=lucia)
    make_rule({}, {"priority": org.media.pk})

    ticket = actions.route_ticket(ticket.__class__.objects.get(pk=ticket.pk))

    assert ticket.routing.triage_flag == ""
    assert list(queries.flagged_for_triage()) == []


def test_dry_run_describes_the_decision_and_writes_nothing(
    org, make_rule, rescate_owned, rosario, alonso
):
    make_rule(
        {"keywords": ["rescate"]},
        {"type": rescate_owned.pk, "priority": org.alta.pk},
        name="Rescate",
    )
    events_before = TicketEvent.objects.count()

    result = queries.dry_run(
        Facts(
            subject="Rescate parcial",
            default_pipeline_id=org.servicio.pk,
            triage=True,
        )
    )

    assert [(line.field, line.value) for line in result.lines] == [
        ("pipeline", "Finanzas"),
        ("type", "Rescate con dueños"),
        ("priority", "Alta"),
        ("owner", "Alonso Vargas"),
    ]
    assert result.matched_rules == ["Rescate"]
    assert TicketEvent.objects.count() == events_before


def test_tickets_without_owner_lists_active_ones_in_one_query(
    org, requester, rosario, django_assert_num_queries
):
    # given
    lost = [open_test_ticket(org.finanzas, requester=requester) for _ in range(5)]
    open_test_ticket(org.finanzas, requester=requester, owner=rosario)
    duplicate = open_test_ticket(org.cobranzas, requester=requester)
    tickets.merge_tickets(duplicate, into=lost[0], actor=Actor.system())  # closes it

    # when / then
    with django_assert_num_queries(1):
        rows = list(queries.tickets_without_owner())
        labels = [(t.pipeline.name, t.stage.name, t.requester) for t in rows]
    assert [t.pk for t in rows] == [t.pk for t in lost]
    assert len(labels) == 5
    assert list(queries.tickets_without_owner(pipeline=org.cobranzas)) == []


def test_flagged_for_triage_is_one_query(org, requester, django_assert_num_queries):
    for _ in range(4):
        actions.route_ticket(open_test_ticket(org.servicio, requester=requester))

    with django_assert_num_queries(1):
        rows = [
            (t.pipeline.name, t.routing.triage_flag)
            for t in queries.flagged_for_triage()
        ]
    assert len(rows) == 4


def test_compiled_rules_skip_disabled_rules_in_two_queries(
    org, make_rule, django_assert_num_queries
):
    make_rule({}, {"type": org.rescate.pk}, name="Activa")
    make_rule({}, {"priority": org.baja.pk}, name="Apagada", enabled=False)

    with django_assert_num_queries(2):
        rules = queries.compiled_rules()

    assert [r.name for r in rules] == ["Activa"]
    assert rules[0].actions.type_pipeline == org.finanzas.pk
