"""Periodic work: slots are claimed once, auto-close (R-WF-3) and the
review digests (R-WF-6)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from ventanilla.jobs import actions, queries
from ventanilla.jobs.models import ScheduledRun
from ventanilla.jobs.schedule import PeriodicJob, every
from ventanilla.pipelines import actions as pipelines
from ventanilla.pipelines.models import StageKind
from ventanilla.sla.tests.conftest import at
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import ActorType, EventKind
from ventanilla.tickets.tests.factories import open_test_ticket, stage


def recording_job(
    name: str, calls: list[dt.datetime], fail: bool = False
) -> PeriodicJob:
    def run(now: dt.datetime, slot: dt.datetime) -> None:
        calls.append(slot)
        if fail:
            raise RuntimeError("boom")

    return PeriodicJob(name, every(60), run)


def test_a_slot_is_claimed_once(db):
    slot = at(2025, 6, 2, 9)

    assert actions.claim_slot("sla_scan", slot, "w1") is True
    assert actions.claim_slot("sla_scan", slot, "w2") is False
    assert actions.claim_slot("sla_scan", slot + dt.timedelta(minutes=1), "w2") is True
    assert ScheduledRun.objects.get(job="sla_scan", slot=slot).claimed_by == "w1"


def test_run_due_runs_each_job_once_per_slot(db):
    calls: list[dt.datetime] = []
    jobs = [recording_job("contar", calls)]

    first = actions.run_due(at(2025, 6, 2, 9, 0, 10), worker_id="w1", jobs=jobs)
    again = actions.run_due(at(2025, 6, 2, 9, 0, 50), worker_id="w2", jobs=jobs)
    later = actions.run_due(at(2025, 6, 2, 9, 1, 5), worker_id="w2", jobs=jobs)

    assert (first, again, later) == (["contar"], [], ["contar"])
    assert calls == [at(2025, 6, 2, 9), at(2025, 6, 2, 9, 1)]


def test_a_failing_job_is_recorded_and_the_others_still_run(db):
    calls: list[dt.datetime] = []
    jobs = [recording_job("falla", calls, fail=True), recording_job("sigue", calls)]

    done = actions.run_due(at(2025, 6, 2, 9), worker_id="w1", jobs=jobs)

    assert done == ["sigue"]
    assert len(calls) == 2
    failed = ScheduledRun.objects.get(job="falla")
    assert failed.error == "RuntimeError: boom"
    assert failed.finished_at is not None


def test_old_claims_are_pruned(db):
    actions.claim_slot("sla_scan", at(2025, 4, 1), "w1")
    actions.claim_slot("sla_scan", at(2025, 6, 1), "w1")

    actions.prune_runs(at(2025, 6, 2), at(2025, 6, 2))

    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [at(2025, 6, 1)]


# -- auto-close --------------------------------------------------------------


@pytest.fixture
def resolved_friday(org, classified_ticket, rosario):
    """Resolved on Friday 6 June 2025 at 10:00."""
    with time_machine.travel(at(2025, 6, 6, 10), tick=False):
        return tickets.change_stage(
            classified_ticket,
            stage=stage(org.finanzas, StageKind.RESOLVED),
            actor=rosario,
        )


def test_resolved_tickets_close_after_72_hours(resolved_friday):
    with time_machine.travel(at(2025, 6, 9, 9, 59), tick=False):
        assert actions.auto_close_resolved(at(2025, 6, 9, 9, 59)) == 0
    with time_machine.travel(at(2025, 6, 9, 10), tick=False):
        assert actions.auto_close_resolved(at(2025, 6, 9, 10)) == 1

    resolved_friday.refresh_from_db()
    assert resolved_friday.stage.kind == StageKind.CLOSED
    event = resolved_friday.events.filter(kind=EventKind.STAGE_CHANGED).last()
    assert (event.actor_type, event.data["new_kind"]) == (ActorType.SYSTEM, "closed")
    assert actions.auto_close_resolved(at(2025, 6, 9, 11)) == 0


@override_settings(VENTANILLA_AUTO_CLOSE_AFTER_HOURS=24)
def test_the_delay_is_a_setting(resolved_friday):
    assert actions.auto_close_resolved(at(2025, 6, 7, 10)) == 1


def test_a_ticket_changed_since_it_was_read_is_not_closed(
    resolved_friday, requester, monkeypatch
):
    # given the run read the ticket, then the customer wrote back
    stale = queries.resolved_before(at(2025, 6, 10))
    tickets.add_customer_message(
        resolved_friday,
        contact=requester,
        body_text="Una consulta más",
        channel="email",
    )
    monkeypatch.setattr(queries, "resolved_before", lambda cutoff: stale)

    # when
    closed = actions.auto_close_resolved(at(2025, 6, 10))

    # then
    resolved_friday.refresh_from_db()
    assert closed == 0
    assert resolved_friday.stage.kind == StageKind.OPEN


# -- review digests ----------------------------------------------------------


@pytest.fixture
def triage_backlog(org, requester, lucia, rosario):
    """Two triage tickets to review and one fully classified and owned."""
    waiting = [
        open_test_ticket(org.servicio, requester=requester, subject="Consulta 1"),
        open_test_ticket(
            org.servicio, requester=requester, subject="Consulta 2", owner=lucia
        ),
    ]
    general = pipelines.create_ticket_type(pipeline=org.servicio, name="General")
    open_test_ticket(
        org.servicio,
        requester=requester,
        subject="Completo",
        type=general,
        reason=org.soporte,
        priority=org.baja,
        team=org.servicio_team,
        owner=lucia,
    )
    return waiting


def test_the_review_digest_lists_unassigned_or_unclassified_triage_tickets(
    org, triage_backlog, lucia, django_assert_num_queries
):
    with django_assert_num_queries(1):
        rows = [
            (t.subject, t.owner, t.requester)
            for t in queries.needs_review(org.servicio)
        ]

    assert [subject for subject, _owner, _req in rows] == ["Consulta 1", "Consulta 2"]


def test_the_digest_is_mailed_to_the_triage_team(org, triage_backlog, lucia):
    sent = actions.send_review_digest(org.servicio.pk, slot=at(2025, 6, 2, 9))

    assert sent == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lucia@generafactoring.pe"]
    assert "Consulta 1" in message.body
    assert "Completo" not in message.body
    assert "09:00" in message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_no_digest_is_sent_when_there_is_nothing_to_review(org, lucia):
    assert actions.send_review_digest(org.servicio.pk, slot=at(2025, 6, 2, 9)) == 0
    assert mail.outbox == []


def test_the_review_time_sends_the_digest_once(org, triage_backlog, lucia):
    nine_oh_five = at(2025, 6, 2, 9, 5)
    digest = [job for job in actions.periodic_jobs() if job.name == "review_digest"]

    first = actions.run_due(nine_oh_five, worker_id="w1", jobs=digest)
    second = actions.run_due(at(2025, 6, 2, 9, 35), worker_id="w2", jobs=digest)

    assert (first, second) == (["review_digest"], [])
    assert len(mail.outbox) == 1


def test_the_schedule_sweeps_webhook_retries_every_minute():
    jobs = {job.name: job for job in actions.periodic_jobs()}

    assert "webhook_retries" in jobs
    assert jobs["webhook_retries"].run is actions._retry_webhooks


def test_the_schedule_sweeps_orphan_attachment_files_daily(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    jobs = {job.name: job for job in actions.periodic_jobs()}

    sweep = jobs["attachment_sweep"]
    assert sweep.run is actions._sweep_attachments
    assert actions.run_due(at(2025, 6, 2), worker_id="w1", jobs=[sweep]) == [
        "attachment_sweep"
    ]
    # once a day
    assert actions.run_due(at(2025, 6, 2, 12), worker_id="w1", jobs=[sweep]) == []
