"""Two schedulers at once never run a slot twice (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from ventanilla.jobs import actions
from ventanilla.jobs.models import ScheduledRun
from ventanilla.jobs.schedule import PeriodicJob, every
from ventanilla.pipelines.models import StageKind
from ventanilla.sla.tests.conftest import at
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import EventKind, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims are only contended on PostgreSQL")


def in_two_threads(work: Callable[[str], None]) -> list[BaseException]:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def thread_body(name: str) -> None:
        try:
            barrier.wait()
            work(name)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread_body, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_workers_running_the_schedule_run_each_slot_once():
    # given a job with a slot per minute, and two workers stepping through
    # the same 40 minutes at the same pace
    runs: list[tuple[str, dt.datetime]] = []
    lock = threading.Lock()

    def count(now: dt.datetime, slot: dt.datetime) -> None:
        with lock:
            runs.append((threading.current_thread().name, slot))

    job = PeriodicJob("contar", every(60), count)
    start = at(2025, 6, 2, 9)

    def step_through(worker: str) -> None:
        threading.current_thread().name = worker
        for second in range(0, 40 * 60, 20):
            actions.run_due(
                start + dt.timedelta(seconds=second), worker_id=worker, jobs=[job]
            )

    # when
    errors = in_two_threads(step_through)

    # then
    assert errors == []
    slots = Counter(slot for _worker, slot in runs)
    assert len(slots) == 40
    assert set(slots.values()) == {1}
    claimed = ScheduledRun.objects.filter(job="contar")
    assert claimed.count() == 40
    assert set(claimed.values_list("claimed_by", flat=True)) <= {"w1", "w2"}


def test_two_workers_auto_close_each_ticket_once(org, requester, rosario):
    # given ten tickets resolved long ago
    for _ in range(10):
        ticket = open_test_ticket(
            org.finanzas,
            requester=requester,
            type=org.adicion,
            reason=org.pagos,
            priority=org.alta,
            team=org.finanzas_team,
            owner=rosario,
        )
        tickets.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=Actor.system()
        )
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=4)
    auto_close = [j for j in actions.periodic_jobs() if j.name == "auto_close"]

    # when
    errors = in_two_threads(
        lambda worker: actions.run_due(later, worker_id=worker, jobs=auto_close)
    )

    # then
    assert errors == []
    closes = TicketEvent.objects.filter(
        kind=EventKind.STAGE_CHANGED, data__new_kind="closed"
    )
    assert closes.count() == 10
    assert ScheduledRun.objects.filter(job="auto_close").count() == 1
