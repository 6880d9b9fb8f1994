"""Recomputing a ticket's SLA from its history: hand-computed figures."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines.models import StageKind
from ventanilla.sla import actions, queries
from ventanilla.sla.models import ClockSegment, SlaState, TicketSla
from ventanilla.sla.tests.conftest import at
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import Channel
from ventanilla.tickets.tests.factories import open_test_ticket, stage

H = 3600


def classified(org, requester, owner, **fields):
    values = {
        "type": org.adicion,
        "reason": org.pagos,
        "priority": org.alta,
        "team": org.finanzas_team,
        "owner": owner,
        **fields,
    }
    return open_test_ticket(org.finanzas, requester=requester, **values)


def test_scripted_history_gives_hand_computed_figures_per_side(
    org, requester, rosario, finanzas_alta
):
    # given a ticket opened Monday 2 June 2025 at 09:00 in Lima
    with time_machine.travel(at(2025, 6, 2, 9), tick=False) as clock:
        ticket = classified(org, requester, rosario)
        # answered at 11:30 (first response) and worked on
        clock.move_to(at(2025, 6, 2, 11, 30))
        tickets.add_reply(
            ticket,
            author=rosario,
            body_text="Recibido, lo revisamos.",
            new_stage=stage(org.finanzas, StageKind.OPEN),
        )
        # Friday 16:00: we ask the customer and wait over the weekend
        clock.move_to(at(2025, 6, 6, 16))
        tickets.add_reply(
            ticket,
            author=rosario,
            body_text="¿Nos confirma el monto?",
            new_stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
        )
        clock.move_to(at(2025, 6, 7, 12))
        saturday = actions.recompute(ticket.pk)
        # Monday 10:30: the customer answers, which reopens it (R-WF-2)
        clock.move_to(at(2025, 6, 9, 10, 30))
        tickets.add_customer_message(
            ticket, contact=requester, body_text="Sí, 50 000.", channel=Channel.EMAIL
        )
        # Monday 15:00: resolved
        clock.move_to(at(2025, 6, 9, 15))
        tickets.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )

        # when
        clock.move_to(at(2025, 6, 10, 9))
        sla = actions.recompute(ticket.pk)

    # then, by hand:
    # ours      Mon-Thu 4 x 8 h + Fri 09-13, 14-16 (6 h)   = 38 h
    #           Mon 9: 10:30-13:00 (2.5 h) + 14-15 (1 h)   =  3.5 h -> 41.5 h
    # customer  Fri 16-18 (2 h) + Mon 9: 09:00-10:30 (1.5 h) =  3.5 h
    assert (sla.ours_seconds, sla.customer_seconds, sla.third_party_seconds) == (
        int(41.5 * H),
        int(3.5 * H),
        0,
    )
    segments = list(
        ClockSegment.objects.filter(ticket=ticket).values_list(
            "side", "start", "end", "business_seconds"
        )
    )
    assert segments == [
        ("ours", at(2025, 6, 2, 9), at(2025, 6, 6, 16), 38 * H),
        ("customer", at(2025, 6, 6, 16), at(2025, 6, 9, 10, 30), int(3.5 * H)),
        ("ours", at(2025, 6, 9, 10, 30), at(2025, 6, 9, 15), int(3.5 * H)),
    ]
    assert sla.first_response_state == SlaState.MET  # 2.5 h of 4 h
    assert sla.resolution_state == SlaState.MET  # 41.5 h of 48 h
    assert (sla.is_active, sla.running_side) == (False, "")
    # and on the Saturday in between, our clock was paused
    assert saturday.running_side == "customer"
    assert saturday.resolution_state == SlaState.PAUSED
    assert saturday.resolution_due_at is None
    assert saturday.ours_seconds == 38 * H


def test_a_running_ticket_has_due_times_in_business_hours(
    org, requester, rosario, finanzas_alta
):
    with time_machine.travel(at(2025, 6, 2, 9), tick=False) as clock:
        ticket = classified(org, requester, rosario)
        clock.move_to(at(2025, 6, 3, 10))
        sla = actions.recompute(ticket.pk)

    assert sla.first_response_state == SlaState.BREACHED  # 9 h without a reply
    assert sla.first_response_due_at == at(2025, 6, 2, 13)
    assert sla.resolution_state == SlaState.RUNNING
    # 48 h: Mon 2 to Fri 6 (40 h), then Monday 9 June until 18:00.
    assert sla.resolution_due_at == at(2025, 6, 9, 18)
    # 80 % of 48 h = 38 h 24 min: Mon-Thu (32 h), Fri 09-13, 14:00-16:24.
    assert sla.resolution_warn_at == at(2025, 6, 6, 16, 24)
    assert sla.running_side == "ours"


def test_holidays_move_the_due_time(org, requester, rosario, lima_calendar):
    actions.create_policy(
        name="Finanzas",
        calendar=lima_calendar,
        pipeline=org.finanzas,
        first_response_minutes=240,
    )
    # Friday 25 July 2025, 17:00; Monday 28 and Tuesday 29 are holidays.
    with time_machine.travel(at(2025, 7, 25, 17), tick=False):
        ticket = classified(org, requester, rosario, priority=org.baja)
        sla = actions.recompute(ticket.pk)

    assert sla.first_response_due_at == at(2025, 7, 30, 12)
    assert sla.resolution_state == SlaState.NONE


def test_the_most_specific_policy_applies(org, lima_calendar):
    general = actions.create_policy(
        name="Todo", calendar=lima_calendar, resolution_minutes=10
    )
    finanzas = actions.create_policy(
        name="Finanzas",
        calendar=lima_calendar,
        pipeline=org.finanzas,
        resolution_minutes=20,
    )
    alta = actions.create_policy(
        name="Alta", calendar=lima_calendar, priority=org.alta, resolution_minutes=30
    )
    exact = actions.create_policy(
        name="Finanzas Alta",
        calendar=lima_calendar,
        pipeline=org.finanzas,
        priority=org.alta,
        resolution_minutes=40,
    )
    book = queries.policy_book()

    assert book.policy_for(org.finanzas.pk, org.alta.pk) == exact
    assert book.policy_for(org.finanzas.pk, org.baja.pk) == finanzas
    assert book.policy_for(org.finanzas.pk, None) == finanzas
    assert book.policy_for(org.cobranzas.pk, org.alta.pk) == alta
    assert book.policy_for(org.cobranzas.pk, None) == general


def test_recomputing_replaces_segments_and_keeps_notice_stamps(
    org, requester, rosario, finanzas_alta
):
    with time_machine.travel(at(2025, 6, 2, 9), tick=False) as clock:
        ticket = classified(org, requester, rosario)
        clock.move_to(at(2025, 6, 2, 10))
        actions.recompute(ticket.pk)
        TicketSla.objects.filter(pk=ticket.pk).update(
            resolution_warned_at=at(2025, 6, 2, 10)
        )
        clock.move_to(at(2025, 6, 2, 11))
        sla = actions.recompute(ticket.pk)

    assert ClockSegment.objects.filter(ticket=ticket).count() == 1
    assert sla.ours_seconds == 2 * H
    assert sla.resolution_warned_at == at(2025, 6, 2, 10)


def test_recomputation_queries_do_not_grow_with_tickets(
    org, requester, rosario, finanzas_alta
):
    one = [classified(org, requester, rosario).pk]
    many = [classified(org, requester, rosario).pk for _ in range(20)]

    with CaptureQueriesContext(connection) as single:
        actions.recompute_many(one)
    with CaptureQueriesContext(connection) as batch:
        assert actions.recompute_many(many) == 20

    assert len(batch.captured_queries) == len(single.captured_queries)


def test_changed_tickets_are_stale_until_recomputed(
    org, requester, rosario, finanzas_alta
):
    with time_machine.travel(at(2025, 6, 2, 9), tick=False) as clock:
        ticket = classified(org, requester, rosario)
        assert queries.stale_ticket_ids() == [ticket.pk]
        actions.recompute_stale()
        assert queries.stale_ticket_ids() == []
        clock.move_to(at(2025, 6, 2, 10))
        tickets.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
        )

        assert queries.stale_ticket_ids() == [ticket.pk]


def test_a_calendar_is_validated(db):
    with pytest.raises(ActionRefused) as refused:
        actions.create_calendar(
            name="Mal", time_zone="Lima/Peru", weekly_hours={"mon": [["9:00", "18:00"]]}
        )

    assert refused.value.code == "calendar_invalid"
    assert "time_zone" in str(refused.value)
    assert "weekly_hours.mon" in str(refused.value)


def test_a_new_default_calendar_takes_the_flag(db, lima_calendar):
    madrid = actions.create_calendar(
        name="Madrid", time_zone="Europe/Madrid", country="ES", is_default=True
    )

    lima_calendar.refresh_from_db()
    assert (lima_calendar.is_default, madrid.is_default) == (False, True)
    assert queries.policy_book().default_calendar.tz.key == "Europe/Madrid"


def test_segments_are_rewritten_only_when_the_history_changed(
    org, requester, rosario, finanzas_alta
):
    with time_machine.travel(at(2025, 6, 2, 9), tick=False) as clock:
        ticket = classified(org, requester, rosario)
        clock.move_to(at(2025, 6, 2, 10))
        actions.recompute(ticket.pk)
        first = list(
            ClockSegment.objects.filter(ticket=ticket).values_list("id", "end")
        )
        clock.move_to(at(2025, 6, 2, 11))
        actions.recompute(ticket.pk)
        same = list(ClockSegment.objects.filter(ticket=ticket).values_list("id", "end"))
        tickets.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER), actor=rosario
        )
        sla = actions.recompute(ticket.pk)

    # a running segment has no end and no stored duration: the totals do
    assert same == first
    assert first[0][1] is None
    segments = list(
        ClockSegment.objects.filter(ticket=ticket).values_list(
            "side", "business_seconds"
        )
    )
    assert segments == [("ours", 2 * H), ("customer", None)]
    assert (sla.ours_seconds, sla.running_side) == (2 * H, "customer")


def test_clocks_are_recomputed_after_each_committed_change(
    org, classified_ticket, rosario, django_capture_on_commit_callbacks
):
    # given
    from ventanilla.pipelines.models import StageKind
    from ventanilla.sla.models import TicketSla
    from ventanilla.tickets import actions as ticket_actions
    from ventanilla.tickets.tests.factories import stage

    # when a stage change commits (the test backend runs the job at once)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.change_stage(
            classified_ticket,
            stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
            actor=rosario,
        )

    # then the ticket's SLA row exists and shows the customer's clock running
    row = TicketSla.objects.get(ticket=classified_ticket)
    assert row.running_side == "customer"
