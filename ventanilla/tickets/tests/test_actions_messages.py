from __future__ import annotations

import pytest

from ventanilla.core.errors import ActionRefused, StaleVersion
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import (
    Channel,
    Direction,
    EventKind,
    LinkKind,
    Message,
    MessageKind,
    Ticket,
    TicketLink,
)
from ventanilla.tickets.tests.factories import stage


def _move(ticket, kind, actor):
    return actions.change_stage(ticket, stage=stage(ticket.pipeline, kind), actor=actor)


@pytest.mark.parametrize("waiting", [StageKind.WAITING_CUSTOMER, StageKind.RESOLVED])
def test_customer_message_moves_waiting_or_resolved_ticket_back_to_open(
    classified_ticket, requester, rosario, waiting
):
    # given
    ticket = _move(classified_ticket, waiting, rosario)

    # when
    message = actions.add_customer_message(
        ticket,
        contact=requester,
        body_text="Adjunto lo solicitado.",
        channel=Channel.EMAIL,
    )

    # then
    ticket.refresh_from_db()
    assert message.ticket == ticket
    assert ticket.stage.kind == StageKind.OPEN
    assert ticket.stage.name == "En proceso"
    assert ticket.resolved_at is None
    assert ticket.last_customer_message_at == message.created_at
    change = ticket.events.filter(kind=EventKind.STAGE_CHANGED).last()
    assert change.new == "En proceso"
    assert change.actor_label == str(requester)
    assert change.data["reopened_by"] == "R-WF-2"


@pytest.mark.parametrize(
    "kind", [StageKind.NEW, StageKind.OPEN, StageKind.WAITING_THIRD_PARTY]
)
def test_customer_message_leaves_other_stages_alone(
    classified_ticket, requester, rosario, kind
):
    ticket = _move(classified_ticket, kind, rosario)

    actions.add_customer_message(
        ticket, contact=requester, body_text="¿Alguna novedad?", channel=Channel.EMAIL
    )

    ticket.refresh_from_db()
    assert ticket.stage.kind == kind


def test_customer_message_on_closed_ticket_opens_a_linked_follow_up(
    classified_ticket, requester, rosario
):
    # given
    closed = _move(classified_ticket, StageKind.CLOSED, rosario)

    # when
    message = actions.add_customer_message(
        closed, contact=requester, body_text="Una consulta más.", channel=Channel.EMAIL
    )

    # then a new ticket holds the message, classified like the old one
    follow_up = message.ticket
    assert follow_up.pk != closed.pk
    assert follow_up.number > closed.number
    assert follow_up.stage.kind == StageKind.NEW
    assert (follow_up.type, follow_up.priority, follow_up.owner) == (
        closed.type,
        closed.priority,
        closed.owner,
    )
    assert TicketLink.objects.filter(
        source=follow_up, target=closed, kind=LinkKind.FOLLOW_UP_OF
    ).exists()
    # and the closed ticket stays closed, with a trace of the follow-up
    closed.refresh_from_db()
    assert closed.stage.kind == StageKind.CLOSED
    assert closed.messages.count() == 1
    trace = closed.events.get(kind=EventKind.FOLLOW_UP_CREATED)
    assert trace.new == f"#{follow_up.number}"


def test_reply_stamps_first_response_and_changes_stage_in_one_action(
    classified_ticket, rosario
):
    # when
    message = actions.add_reply(
        classified_ticket,
        author=rosario,
        body_text="Estimado Jorge, le enviamos el contrato.",
        new_stage=stage(classified_ticket.pipeline, StageKind.WAITING_CUSTOMER),
    )

    # then
    ticket = Ticket.objects.get(pk=classified_ticket.pk)
    assert message.kind == MessageKind.REPLY
    assert message.direction == Direction.OUTBOUND
    assert ticket.stage.name == "Acción del cliente"
    assert ticket.first_response_at == message.created_at
    assert ticket.version == classified_ticket.version + 1
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.STAGE_CHANGED, EventKind.REPLY_ADDED]


def test_first_response_is_not_moved_by_later_replies(classified_ticket, rosario):
    first = actions.add_reply(classified_ticket, author=rosario, body_text="Primera")
    actions.add_reply(classified_ticket, author=rosario, body_text="Segunda")

    classified_ticket.refresh_from_db()
    assert classified_ticket.first_response_at == first.created_at


def test_refused_stage_change_discards_the_reply_too(ticket, rosario):
    # given an unclassified ticket: it cannot leave "new"
    with pytest.raises(ActionRefused):
        actions.add_reply(
            ticket,
            author=rosario,
            body_text="Respuesta",
            new_stage=stage(ticket.pipeline, StageKind.OPEN),
        )

    # then neither the reply nor the stage were saved (R-WF-5)
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()
    ticket.refresh_from_db()
    assert ticket.stage.kind == StageKind.NEW
    assert ticket.first_response_at is None


def test_reply_against_a_stale_version_is_refused(classified_ticket, rosario, alonso):
    # given two agents loaded version 1; one replies first
    loaded = classified_ticket.version
    actions.add_reply(
        classified_ticket,
        author=alonso,
        body_text="Ya respondí",
        expected_version=loaded,
    )

    # when the other one submits
    with pytest.raises(StaleVersion) as refused:
        actions.add_reply(
            classified_ticket,
            author=rosario,
            body_text="Yo también",
            expected_version=loaded,
        )

    assert refused.value.code == "stale_version"
    assert classified_ticket.messages.filter(kind=MessageKind.REPLY).count() == 1


def test_reply_to_a_closed_ticket_is_refused(classified_ticket, rosario):
    closed = _move(classified_ticket, StageKind.CLOSED, rosario)

    with pytest.raises(ActionRefused) as refused:
        actions.add_reply(closed, author=rosario, body_text="Hola")

    assert refused.value.code == "ticket_closed"


def test_note_is_internal_and_allowed_on_closed_tickets(classified_ticket, rosario):
    closed = _move(classified_ticket, StageKind.CLOSED, rosario)

    note = actions.add_note(
        closed, author=rosario, body_text="Cliente avisado por teléfono."
    )

    assert note.kind == MessageKind.NOTE
    assert note.direction == Direction.INTERNAL
    assert not note.is_public
    event = closed.events.last()
    assert event.kind == EventKind.NOTE_ADDED
    assert event.actor_user == rosario
