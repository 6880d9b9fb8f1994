from __future__ import annotations

from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions, queries
from ventanilla.tickets.tests.factories import open_test_ticket


def test_ticket_list_pages_by_key_newest_first(org, requester, rosario):
    # given
    numbers = [
        open_test_ticket(org.finanzas, requester=requester).number for _ in range(5)
    ]

    # when
    first = queries.ticket_list(rosario, limit=2)
    second = queries.ticket_list(rosario, limit=2, before=first.next_cursor)
    last = queries.ticket_list(rosario, limit=2, before=second.next_cursor)

    # then
    assert [t.number for t in first.tickets] == numbers[::-1][:2]
    assert [t.number for t in second.tickets] == numbers[::-1][2:4]
    assert [t.number for t in last.tickets] == numbers[:1]
    assert last.next_cursor is None


def test_ticket_list_filters(org, requester, rosario, alonso):
    mine = open_test_ticket(org.finanzas, requester=requester, owner=alonso)
    open_test_ticket(org.finanzas, requester=requester)
    open_test_ticket(org.cobranzas, requester=requester)

    assert [t.number for t in queries.ticket_list(rosario, owner=alonso).tickets] == [
        mine.number
    ]
    assert len(queries.ticket_list(rosario, unassigned=True).tickets) == 1
    assert len(queries.ticket_list(rosario, stage_kinds=(StageKind.OPEN,)).tickets) == 0


def test_ticket_list_query_count_does_not_grow_with_rows(
    org, requester, rosario, django_assert_num_queries
):
    for _ in range(20):
        open_test_ticket(
            org.finanzas, requester=requester, owner=rosario, team=org.finanzas_team
        )

    with django_assert_num_queries(1):
        page = queries.ticket_list(rosario, pipeline=org.finanzas, limit=10)
        for ticket in page.tickets:
            (
                ticket.stage.name,
                ticket.pipeline.name,
                ticket.owner,
                ticket.requester,
                ticket.company,
            )


def test_thread_and_history_are_bounded(
    classified_ticket, rosario, django_assert_num_queries
):
    for n in range(5):
        actions.add_reply(classified_ticket, author=rosario, body_text=f"Respuesta {n}")
        actions.add_note(classified_ticket, author=rosario, body_text=f"Nota {n}")

    with django_assert_num_queries(2):
        public = list(queries.thread(classified_ticket, include_notes=False))
        for message in public:
            (
                message.author_user,
                message.author_contact,
                list(message.attachments.all()),
            )
    assert len(public) == 6

    with django_assert_num_queries(1):
        trail = [(e.actor_user, e.kind) for e in queries.history(classified_ticket)]
    assert len(trail) == 11


def test_links_lists_both_directions(org, ticket, requester, rosario):
    from ventanilla.tickets.models import LinkKind

    other = open_test_ticket(org.finanzas, requester=requester)
    actions.link_tickets(other, other=ticket, kind=LinkKind.FOLLOW_UP_OF, actor=rosario)

    assert [(link.source, link.target) for link in queries.links(ticket)] == [
        (other, ticket)
    ]
