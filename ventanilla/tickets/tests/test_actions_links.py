from __future__ import annotations

import pytest

from ventanilla.core.errors import ActionRefused
from ventanilla.directory.actions import create_contact
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import EventKind, LinkKind, Message, TicketLink
from ventanilla.tickets.tests.factories import open_test_ticket


def test_link_tickets_records_the_link_on_both_trails(org, ticket, requester, rosario):
    other = open_test_ticket(org.finanzas, requester=requester)

    link = actions.link_tickets(
        ticket, other=other, kind=LinkKind.PRECEDES, actor=rosario
    )

    assert (link.source, link.target, link.kind) == (ticket, other, LinkKind.PRECEDES)
    assert ticket.events.get(kind=EventKind.LINKED).new == f"precede a #{other.number}"
    assert other.events.get(kind=EventKind.LINKED).new == f"#{ticket.number} precede a"


def test_linking_twice_changes_nothing(org, ticket, requester, rosario):
    other = open_test_ticket(org.finanzas, requester=requester)
    actions.link_tickets(ticket, other=other, kind=LinkKind.RELATED, actor=rosario)

    actions.link_tickets(ticket, other=other, kind=LinkKind.RELATED, actor=rosario)

    assert TicketLink.objects.count() == 1
    assert ticket.events.filter(kind=EventKind.LINKED).count() == 1


def test_a_ticket_cannot_be_linked_to_itself(ticket, rosario):
    with pytest.raises(ActionRefused):
        actions.link_tickets(ticket, other=ticket, kind=LinkKind.RELATED, actor=rosario)


def test_merge_moves_the_conversation_and_closes_the_duplicate(org, requester, rosario):
    # given the same request sent twice, the second time with a colleague
    colleague = create_contact(
        name="Ana Díaz", email="ana@andinas.example", company=org.acme
    )
    original = open_test_ticket(org.finanzas, requester=requester, subject="Rescate")
    duplicate = open_test_ticket(
        org.finanzas, requester=colleague, subject="Rescate (reenvío)", cc=[requester]
    )

    # when
    into = actions.merge_tickets(duplicate, into=original, actor=rosario)

    # then
    assert into.pk == original.pk
    assert Message.objects.filter(ticket=original).count() == 2
    assert not Message.objects.filter(ticket=duplicate).exists()
    assert list(original.cc.all()) == [colleague]
    duplicate.refresh_from_db()
    assert duplicate.stage.kind == StageKind.CLOSED
    assert TicketLink.objects.filter(
        source=duplicate, target=original, kind=LinkKind.DUPLICATE_OF
    ).exists()
    merged_into = duplicate.events.get(kind=EventKind.MERGED_INTO)
    assert merged_into.new == f"#{original.number}"
    assert merged_into.data["messages"] == 1
    assert original.events.get(kind=EventKind.MERGED_FROM).new == f"#{duplicate.number}"


def test_merge_refuses_closed_tickets_and_itself(
    org, classified_ticket, requester, rosario
):
    other = open_test_ticket(org.finanzas, requester=requester)
    closed = actions.change_stage(
        classified_ticket,
        stage=classified_ticket.pipeline.stages.get(kind=StageKind.CLOSED),
        actor=rosario,
    )

    with pytest.raises(ActionRefused):
        actions.merge_tickets(other, into=other, actor=rosario)
    with pytest.raises(ActionRefused):
        actions.merge_tickets(other, into=closed, actor=rosario)
    with pytest.raises(ActionRefused):
        actions.merge_tickets(closed, into=other, actor=rosario)
