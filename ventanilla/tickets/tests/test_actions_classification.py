from __future__ import annotations

import pytest

from ventanilla.core.errors import ActionRefused
from ventanilla.directory.actions import deactivate_user
from ventanilla.pipelines.models import Category, Scope, StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import ActorType, EventKind
from ventanilla.tickets.tests.factories import open_test_ticket, stage


def test_set_classification_records_each_changed_field(org, ticket, rosario):
    # when
    ticket = actions.set_classification(
        ticket,
        actor=rosario,
        type=org.rescate,
        reason=org.pagos,
        priority=org.alta,
        category=Category.TECHNICAL,
    )

    # then
    changes = {
        e.field: (e.old, e.new)
        for e in ticket.events.filter(kind=EventKind.FIELD_CHANGED)
    }
    assert changes == {
        "type": ("", "Inversionista - Rescate"),
        "reason": ("", "Pagos"),
        "priority": ("", "Alta"),
        "category": ("General", "Técnica"),
    }


def test_set_classification_keeps_what_is_not_given(org, classified_ticket, rosario):
    ticket = actions.set_classification(
        classified_ticket, actor=rosario, priority=org.media
    )

    assert ticket.priority == org.media
    assert ticket.type == org.adicion
    assert ticket.reason == org.pagos


def test_agent_may_raise_any_ticket_to_alta(org, classified_ticket, rosario):
    ticket = actions.set_classification(
        classified_ticket, actor=rosario, priority=org.baja
    )
    ticket = actions.set_classification(ticket, actor=rosario, priority=org.alta)

    assert ticket.priority == org.alta


def test_set_classification_refuses_a_type_of_another_pipeline(org, ticket, rosario):
    with pytest.raises(ActionRefused):
        actions.set_classification(ticket, actor=rosario, type=org.liquidaciones)


def test_required_fields_cannot_be_cleared_once_past_new(
    org, classified_ticket, rosario
):
    ticket = actions.change_stage(
        classified_ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
    )

    with pytest.raises(ActionRefused) as refused:
        actions.set_classification(ticket, actor=rosario, priority=None)
    assert "prioridad" in str(refused.value)
    with pytest.raises(ActionRefused):
        actions.assign(ticket, actor=rosario, owner=None)


def test_rule_decisions_are_recorded_with_the_rule(org, ticket):
    rule = Actor.for_rule(7, "Inversionistas -> Alta")

    ticket = actions.set_classification(ticket, actor=rule, priority=org.alta)

    event = ticket.events.get(kind=EventKind.FIELD_CHANGED)
    assert event.actor_type == ActorType.RULE
    assert event.actor_label == "Inversionistas -> Alta"
    assert event.data["rule_id"] == 7
    assert event.actor_user is None


def test_scope_change_is_audited_with_labels(ticket, rosario):
    ticket = actions.set_classification(ticket, actor=rosario, scope=Scope.INTERNAL)

    event = ticket.events.get(field="scope")
    assert (event.old, event.new) == ("Externo (cliente)", "Interno (personal)")
    assert event.data == {"old_value": "external", "new_value": "internal"}


def test_assign_sets_owner_and_team(org, ticket, rosario, alonso):
    ticket = actions.assign(ticket, actor=rosario, owner=alonso, team=org.finanzas_team)

    assert (ticket.owner, ticket.team) == (alonso, org.finanzas_team)
    owner_event = ticket.events.get(field="owner")
    assert (owner_event.old, owner_event.new) == ("", "Alonso Vargas")
    assert owner_event.data["new_id"] == alonso.pk


def test_assign_refuses_inactive_agents(ticket, rosario, alonso):
    deactivate_user(alonso)

    with pytest.raises(ActionRefused) as refused:
        actions.assign(ticket, actor=rosario, owner=alonso)
    assert refused.value.code == "owner_not_agent"


def test_move_to_pipeline_reclassifies_and_keeps_history(
    org, requester, lucia, rosario
):
    # given a request that landed in triage
    ticket = open_test_ticket(
        org.servicio, requester=requester, subject="Quiero invertir más"
    )
    actions.add_note(ticket, author=lucia, body_text="Es una adición")

    # when the admin assistant re-classifies it into Finanzas
    moved = actions.move_to_pipeline(
        ticket, pipeline=org.finanzas, actor=lucia, type=org.adicion
    )

    # then
    assert moved.pipeline == org.finanzas
    assert moved.stage == stage(org.finanzas, StageKind.NEW)
    assert moved.type == org.adicion
    assert moved.team == org.finanzas_team
    assert moved.number == ticket.number
    assert moved.messages.count() == 2
    trail = [(e.kind, e.field, e.old, e.new) for e in moved.events.all()]
    assert (
        EventKind.PIPELINE_CHANGED,
        "pipeline",
        "Servicio al cliente",
        "Finanzas",
    ) in trail
    assert (EventKind.STAGE_CHANGED, "stage", "To Do", "Nuevo") in trail
    assert (EventKind.FIELD_CHANGED, "team", "", "Finanzas") in trail
    assert trail[0][0] == EventKind.CREATED


def test_move_to_pipeline_keeps_the_kind_of_stage(
    org, classified_ticket, rosario, carmen
):
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
        actor=rosario,
    )

    moved = actions.move_to_pipeline(
        ticket,
        pipeline=org.cobranzas,
        actor=rosario,
        type=org.liquidaciones,
    )

    assert moved.stage == stage(org.cobranzas, StageKind.WAITING_CUSTOMER)


def test_move_to_pipeline_drops_the_old_type_and_refuses_if_then_incomplete(
    org, classified_ticket, rosario
):
    ticket = actions.change_stage(
        classified_ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
    )

    with pytest.raises(ActionRefused) as refused:
        actions.move_to_pipeline(ticket, pipeline=org.cobranzas, actor=rosario)

    assert "tipo" in str(refused.value)
    ticket.refresh_from_db()
    assert ticket.pipeline == org.finanzas
    assert ticket.type == org.adicion


def test_move_to_pipeline_clears_the_type_of_a_new_ticket(
    org, classified_ticket, rosario
):
    moved = actions.move_to_pipeline(
        classified_ticket, pipeline=org.cobranzas, actor=rosario
    )

    assert moved.type is None
    assert moved.events.get(field="type").old == "Inversionista - Adición"
