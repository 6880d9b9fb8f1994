"""The queue order kept on the ticket (priority rank, next SLA due time,
creation) and every writer that keeps it: a priority change, a rank edit,
an SLA recomputation, a ticket resolved."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ventanilla.desk import queries
from ventanilla.pipelines import actions as pipelines
from ventanilla.pipelines.models import StageKind
from ventanilla.sla import actions as sla
from ventanilla.sla.models import TicketSla
from ventanilla.tickets import actions
from ventanilla.tickets.models import NO_PRIORITY_RANK, NO_SLA_DUE, Ticket
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
# A Tuesday inside business hours (09:00-13:00, 14:00-18:00).
DAY = dt.datetime(2026, 11, 17, tzinfo=LIMA)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return DAY.replace(hour=hour, minute=minute)


@pytest.fixture
def policy(org):
    """Finanzas tickets: first response in two business hours, resolution
    in eight; Cobranzas tickets have no SLA."""
    calendar = sla.create_calendar(name="Lima", is_default=True)
    return sla.create_policy(
        name="Finanzas",
        calendar=calendar,
        pipeline=org.finanzas,
        first_response_minutes=120,
        resolution_minutes=480,
    )


@pytest.fixture
def mixed(org, requester, policy):
    """Tickets of every kind of sort key, opened in a shuffled order."""
    plan = {
        "alta-late": (org.finanzas, org.alta, at(10, 0)),  # due 12:00
        "none-nosla": (org.cobranzas, None, at(9, 20)),
        "media-nosla-new": (org.cobranzas, org.media, at(9, 2)),
        "alta-early": (org.finanzas, org.alta, at(9, 30)),  # due 11:30
        "none-sla": (org.finanzas, None, at(9, 10)),  # due 11:10
        "media-due": (org.finanzas, org.media, at(9, 0)),  # due 11:00
        "alta-nosla": (org.cobranzas, org.alta, at(9, 5)),
        "media-nosla-old": (org.cobranzas, org.media, at(9, 1)),
    }
    made = {}
    for name, (pipeline, priority, when) in plan.items():
        with time_machine.travel(when, tick=False):
            made[name] = open_test_ticket(
                pipeline, requester=requester, subject=name, priority=priority
            )
    for ticket in made.values():
        sla.recompute(ticket.pk, now=at(10, 30))
    return made


ORDER = [
    "alta-early",
    "alta-late",
    "alta-nosla",
    "media-due",
    "media-nosla-old",
    "media-nosla-new",
    "none-sla",
    "none-nosla",
]


def test_queues_sort_by_priority_rank_then_sla_due_then_creation(admin, mixed):
    with time_machine.travel(at(10, 30), tick=False):
        page = queries.queue_page(admin, queries.QueueFilter())
    assert [t.subject for t in page.tickets] == ORDER
    dues = {t.subject: t.sla_due for t in page.tickets}
    assert dues["alta-early"] == at(11, 30)
    assert dues["none-sla"] == at(11, 10)
    assert dues["alta-nosla"] is None and dues["none-nosla"] is None


def test_the_queue_page_shows_that_order(admin, mixed):
    client = Client()
    client.force_login(admin)
    with time_machine.travel(at(10, 30), tick=False):
        response = client.get(reverse("desk:queue", args=["all"]))
    html = response.content.decode()
    positions = [html.index(f">{name}<") for name in ORDER]
    assert positions == sorted(positions)


def test_key_set_pages_follow_the_whole_order(admin, mixed):
    seen, cursor = [], ""
    with time_machine.travel(at(10, 30), tick=False):
        for _page in range(10):
            page = queries.queue_page(
                admin,
                queries.QueueFilter(),
                after=queries.Cursor.decode(cursor),
                limit=3,
            )
            seen += [t.subject for t in page.tickets]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == ORDER


def test_priority_rank_follows_opening_and_classification(org, requester, rosario):
    ticket = open_test_ticket(org.finanzas, requester=requester, priority=org.alta)
    assert Ticket.objects.get(pk=ticket.pk).priority_rank == 1
    plain = open_test_ticket(org.finanzas, requester=requester)
    assert Ticket.objects.get(pk=plain.pk).priority_rank == NO_PRIORITY_RANK

    actions.set_classification(ticket, actor=rosario, priority=org.baja)
    assert Ticket.objects.get(pk=ticket.pk).priority_rank == 3
    actions.set_classification(ticket, actor=rosario, priority=None)
    assert Ticket.objects.get(pk=ticket.pk).priority_rank == NO_PRIORITY_RANK
    actions.set_classification(plain, actor=rosario, priority=org.media)
    assert Ticket.objects.get(pk=plain.pk).priority_rank == 2


def test_priority_rank_follows_a_rank_edit(org, requester):
    media = open_test_ticket(org.finanzas, requester=requester, priority=org.media)
    alta = open_test_ticket(org.finanzas, requester=requester, priority=org.alta)
    pipelines.update_priority(org.media, rank=7)
    assert Ticket.objects.get(pk=media.pk).priority_rank == 7
    assert Ticket.objects.get(pk=alta.pk).priority_rank == 1


def test_sla_due_follows_recomputation_answer_and_resolution(
    org, requester, rosario, policy
):
    with time_machine.travel(at(9, 0), tick=False):
        ticket = open_test_ticket(
            org.finanzas,
            requester=requester,
            type=org.adicion,
            reason=org.pagos,
            priority=org.alta,
            team=org.finanzas_team,
            owner=rosario,
        )
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == NO_SLA_DUE  # not yet
    sla.recompute(ticket.pk, now=at(9, 30))
    row = TicketSla.objects.get(pk=ticket.pk)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == row.first_response_due_at
    assert row.first_response_due_at == at(11, 0)
    # the earliest warning of the two pending targets: the first response's
    assert row.first_response_warn_at is not None
    assert row.resolution_warn_at is not None
    assert row.first_response_warn_at < row.resolution_warn_at
    assert Ticket.objects.get(pk=ticket.pk).sla_warn_at == row.first_response_warn_at

    # answered: the resolution's due time is next
    with time_machine.travel(at(10, 0), tick=False):
        actions.add_reply(ticket, author=rosario, body_text="Lo revisamos.")
    sla.recompute(ticket.pk, now=at(10, 0))
    row = TicketSla.objects.get(pk=ticket.pk)
    assert row.resolution_due_at is not None
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == row.resolution_due_at
    assert Ticket.objects.get(pk=ticket.pk).sla_warn_at == row.resolution_warn_at

    # resolved: no clock runs any more
    with time_machine.travel(at(10, 30), tick=False):
        actions.change_stage(
            Ticket.objects.get(pk=ticket.pk),
            stage=stage(org.finanzas, StageKind.RESOLVED),
            actor=rosario,
        )
    sla.recompute(ticket.pk, now=at(10, 30))
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == NO_SLA_DUE
    assert Ticket.objects.get(pk=ticket.pk).sla_warn_at == NO_SLA_DUE


def test_a_waiting_ticket_has_no_due_time_until_it_is_back(
    org, requester, rosario, policy
):
    with time_machine.travel(at(9, 0), tick=False):
        ticket = open_test_ticket(
            org.finanzas,
            requester=requester,
            type=org.adicion,
            reason=org.pagos,
            priority=org.alta,
            team=org.finanzas_team,
            owner=rosario,
        )
    with time_machine.travel(at(9, 30), tick=False):
        actions.change_stage(
            ticket,
            stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
            actor=rosario,
        )
    sla.recompute(ticket.pk, now=at(9, 45))
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == NO_SLA_DUE
    assert Ticket.objects.get(pk=ticket.pk).sla_warn_at == NO_SLA_DUE
    with time_machine.travel(at(10, 0), tick=False):
        actions.change_stage(
            Ticket.objects.get(pk=ticket.pk),
            stage=stage(org.finanzas, StageKind.OPEN),
            actor=rosario,
        )
    sla.recompute(ticket.pk, now=at(10, 0))
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at < NO_SLA_DUE
    assert Ticket.objects.get(pk=ticket.pk).sla_warn_at < NO_SLA_DUE


# The "mine" queue: session, user, agent, the page's ids and rows, the
# navigation (5) and the page's catalogue (1) (as ``test_views_queues``'s
# pipeline queue, without its pipeline by slug), whatever the number of
# tickets and their SLA rows.
MINE_QUERIES = 11


def test_the_mine_queue_is_a_bounded_number_of_queries(
    as_rosario, org, requester, rosario, policy, django_assert_num_queries
):
    url = reverse("desk:queue", args=["mine"])
    priorities = [org.alta, org.media, None]
    for index in range(30):
        with time_machine.travel(at(9, index), tick=False):
            ticket = open_test_ticket(
                org.finanzas,
                requester=requester,
                priority=priorities[index % 3],
                owner=rosario,
            )
        sla.recompute(ticket.pk, now=at(10, 0))
    as_rosario.get(url)  # warm the session
    with (
        time_machine.travel(at(10, 0), tick=False),
        django_assert_num_queries(MINE_QUERIES),
    ):
        response = as_rosario.get(url)
    tickets = response.context["page"].tickets
    assert len(tickets) == 30
    keys = [(t.priority_rank, t.sla_due_at, t.created_at, t.pk) for t in tickets]
    assert keys == sorted(keys)
