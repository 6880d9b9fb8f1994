"""The periodic scan raises each SLA warning and breach once, as a
TicketEvent and a mail to the owner and the team lead (R-SLA-3)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from ventanilla.directory import actions as directory
from ventanilla.pipelines.models import StageKind
from ventanilla.sla import actions
from ventanilla.sla.models import TicketSla
from ventanilla.sla.tests.conftest import at
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import ActorType, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket, stage


@pytest.fixture
def tesoreria(org, alonso):
    """A team led by Alonso."""
    return directory.create_team(name="Tesorería", lead=alonso)


@pytest.fixture
def monday_ticket(org, requester, rosario, tesoreria, finanzas_alta):
    """Opened Monday 2 June 2025 09:00, owned by Rosario, team Tesorería;
    first response due 13:00, warning at 12:12."""
    with time_machine.travel(at(2025, 6, 2, 9), tick=False):
        return open_test_ticket(
            org.finanzas,
            requester=requester,
            type=org.adicion,
            reason=org.pagos,
            priority=org.alta,
            team=tesoreria,
            owner=rosario,
        )


def sla_events(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, field="sla")
        .order_by("id")
        .values_list("data__sla_target", "data__sla_level")
    )


def scan(when, capture):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return actions.scan_due()


def test_warning_then_breach_are_raised_once_each(
    monday_ticket, django_capture_on_commit_callbacks
):
    # when the scan runs every few minutes through the morning
    reports = [
        scan(at(2025, 6, 2, hour, minute), django_capture_on_commit_callbacks)
        for hour, minute in [(9, 0), (12, 0), (12, 15), (12, 20), (13, 5), (13, 10)]
    ]

    # then
    assert [(r.warnings, r.breaches) for r in reports] == [
        (0, 0),
        (0, 0),
        (1, 0),
        (0, 0),
        (0, 1),
        (0, 0),
    ]
    assert sla_events(monday_ticket) == [
        ("first_response", "warning"),
        ("first_response", "breach"),
    ]
    event = TicketEvent.objects.filter(field="sla").last()
    assert event.actor_type == ActorType.SYSTEM
    assert dt.datetime.fromisoformat(event.data["due_at"]) == at(2025, 6, 2, 13)


def test_notices_go_to_the_owner_and_the_team_lead(
    monday_ticket, django_capture_on_commit_callbacks
):
    scan(at(2025, 6, 2, 12, 15), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == [
        "alonso@generafactoring.pe",
        "rosario@generafactoring.pe",
    ]
    assert f"[#{monday_ticket.number}]" in message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.alternatives[0].mimetype == "text/html"
    assert monday_ticket.subject in message.body


def test_a_breach_found_first_is_not_followed_by_its_warning(
    monday_ticket, django_capture_on_commit_callbacks
):
    first = scan(at(2025, 6, 2, 14), django_capture_on_commit_callbacks)
    later = scan(at(2025, 6, 2, 15), django_capture_on_commit_callbacks)

    assert (first.warnings, first.breaches) == (0, 1)
    assert (later.warnings, later.breaches) == (0, 0)
    assert sla_events(monday_ticket) == [("first_response", "breach")]


def test_a_ticket_waiting_on_the_customer_is_not_warned(
    monday_ticket, rosario, org, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2025, 6, 2, 10), tick=False):
        tickets.add_reply(
            monday_ticket,
            author=rosario,
            body_text="¿Nos confirma el monto?",
            new_stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
        )

    report = scan(at(2025, 6, 12, 10), django_capture_on_commit_callbacks)

    assert (report.warnings, report.breaches) == (0, 0)
    assert TicketSla.objects.get(pk=monday_ticket.pk).resolution_state == "paused"
    assert mail.outbox == []


def test_the_scan_recomputes_tickets_changed_since_their_last_computation(
    monday_ticket, org, rosario, django_capture_on_commit_callbacks
):
    scan(at(2025, 6, 2, 9, 30), django_capture_on_commit_callbacks)
    with time_machine.travel(at(2025, 6, 2, 10), tick=False):
        tickets.change_stage(
            monday_ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )

    report = scan(at(2025, 6, 2, 10, 5), django_capture_on_commit_callbacks)

    sla = TicketSla.objects.get(pk=monday_ticket.pk)
    assert report.recomputed == 1
    assert (sla.is_active, sla.resolution_state) == (False, "met")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_notify_each_crossing_once(
    org, requester, rosario, alonso, finanzas_alta
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are only meaningful on PostgreSQL")
    # given twenty tickets past their first-response warning
    with time_machine.travel(at(2025, 6, 2, 9), tick=False):
        for _ in range(20):
            open_test_ticket(
                org.finanzas,
                requester=requester,
                type=org.adicion,
                reason=org.pagos,
                priority=org.alta,
                team=org.finanzas_team,
                owner=rosario,
            )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    reports = []

    def scanner() -> None:
        try:
            barrier.wait()
            reports.append(actions.scan_due(at(2025, 6, 2, 12, 30)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # when two workers scan at the same moment
    threads = [threading.Thread(target=scanner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then each ticket got exactly one warning between them
    assert errors == []
    assert sum(r.warnings for r in reports) == 20
    assert TicketEvent.objects.filter(field="sla").count() == 20
