from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from ventanilla.core.errors import ActionRefused, StaleVersion
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import EventKind
from ventanilla.tickets.tests.factories import stage


def test_leaving_new_without_required_fields_names_each_missing_field(ticket, rosario):
    # when
    with pytest.raises(ActionRefused) as refused:
        actions.change_stage(
            ticket, stage=stage(ticket.pipeline, StageKind.OPEN), actor=rosario
        )

    # then the message names every field, in Spanish
    message = str(refused.value)
    assert refused.value.code == "required_fields_missing"
    for name in ("tipo", "motivo", "prioridad", "equipo", "propietario"):
        assert name in message
    assert f"#{ticket.number}" in message
    ticket.refresh_from_db()
    assert ticket.stage.kind == StageKind.NEW


def test_leaving_new_names_only_the_fields_still_missing(org, ticket, rosario):
    ticket = actions.set_classification(
        ticket, actor=rosario, type=org.adicion, reason=org.pagos, priority=org.alta
    )

    with pytest.raises(ActionRefused) as refused:
        actions.change_stage(
            ticket, stage=stage(ticket.pipeline, StageKind.OPEN), actor=rosario
        )

    assert refused.value.params == {"fields": ["team", "owner"]}
    assert "equipo, propietario." in str(refused.value)


def test_stage_of_another_pipeline_is_refused(org, classified_ticket, rosario):
    with pytest.raises(ActionRefused) as refused:
        actions.change_stage(
            classified_ticket, stage=stage(org.cobranzas, StageKind.OPEN), actor=rosario
        )

    assert refused.value.code == "stage_not_in_pipeline"


def test_passing_through_resolved_stamps_resolved_at_and_audits_it(
    classified_ticket, rosario
):
    # given
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.OPEN),
        actor=rosario,
    )
    resolved_stage = stage(ticket.pipeline, StageKind.RESOLVED)

    # when
    with time_machine.travel("2026-03-02 15:30:00-05:00", tick=False):
        ticket = actions.change_stage(ticket, stage=resolved_stage, actor=rosario)

    # then
    assert ticket.resolved_at == timezone.datetime.fromisoformat(
        "2026-03-02T20:30:00+00:00"
    )
    event = ticket.events.filter(field="resolved_at").get()
    assert event.old == ""
    assert event.new == "2026-03-02T20:30:00+00:00"
    assert event.actor_user == rosario

    # and closing keeps the resolution date, adding the closing date
    ticket = actions.change_stage(
        ticket, stage=stage(ticket.pipeline, StageKind.CLOSED), actor=rosario
    )
    assert ticket.resolved_at == event.created_at
    assert ticket.closed_at is not None


def test_closing_without_resolving_first_also_dates_the_resolution(
    classified_ticket, rosario
):
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.CLOSED),
        actor=rosario,
    )

    assert ticket.resolved_at == ticket.closed_at


def test_reopening_by_an_agent_clears_the_resolution_date(classified_ticket, rosario):
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.RESOLVED),
        actor=rosario,
    )

    ticket = actions.change_stage(
        ticket, stage=stage(ticket.pipeline, StageKind.OPEN), actor=rosario
    )

    assert ticket.resolved_at is None
    cleared = ticket.events.filter(field="resolved_at").last()
    assert cleared.old != ""
    assert cleared.new == ""


def test_closed_is_terminal(classified_ticket, rosario):
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.CLOSED),
        actor=rosario,
    )

    for kind in (StageKind.OPEN, StageKind.RESOLVED, StageKind.NEW):
        with pytest.raises(ActionRefused) as refused:
            actions.change_stage(
                ticket, stage=stage(ticket.pipeline, kind), actor=rosario
            )
        assert refused.value.code == "ticket_closed"


def test_moving_to_the_current_stage_changes_nothing(classified_ticket, rosario):
    before = classified_ticket.events.count()

    ticket = actions.change_stage(
        classified_ticket, stage=classified_ticket.stage, actor=rosario
    )

    assert ticket.version == classified_ticket.version
    assert ticket.events.count() == before


def test_stage_change_against_a_stale_version_is_refused(classified_ticket, rosario):
    actions.add_note(classified_ticket, author=rosario, body_text="Revisando")

    with pytest.raises(StaleVersion):
        actions.change_stage(
            classified_ticket,
            stage=stage(classified_ticket.pipeline, StageKind.OPEN),
            actor=rosario,
            expected_version=classified_ticket.version,
        )


def test_stage_change_event_records_old_and_new_stage(classified_ticket, rosario):
    ticket = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.WAITING_THIRD_PARTY),
        actor=rosario,
    )

    event = ticket.events.get(kind=EventKind.STAGE_CHANGED)
    assert (event.field, event.old, event.new) == (
        "stage",
        "Nuevo",
        "Acción de terceros",
    )
    assert event.data["old_kind"] == StageKind.NEW
    assert event.data["new_kind"] == StageKind.WAITING_THIRD_PARTY
