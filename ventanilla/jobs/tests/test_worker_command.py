"""`ventanilla worker` runs queued jobs and the scheduler, and stops cleanly
on SIGTERM; several workers share the schedule without running a slot
twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from ventanilla.jobs.models import ScheduledRun
from ventanilla.jobs.runner import start_worker_process, stop_worker_process
from ventanilla.pipelines.models import StageKind
from ventanilla.sla import actions as sla
from ventanilla.sla.schemas import WEEKDAYS
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import EventKind, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket, stage


def _wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def _env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _start_worker(env: dict[str, str], worker_id: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ventanilla",
            "worker",
            "--interval",
            "0.2",
            "--scheduler-interval",
            "0.2",
            "--worker-id",
            worker_id,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, output.decode(errors="replace")


def test_worker_runs_jobs_and_the_scheduler_and_stops_on_sigterm(tmp_path: Path):
    # given a fresh installation with one job queued
    env = _env(VENTANILLA_VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    ventanilla = [sys.executable, "-m", "ventanilla"]
    subprocess.run([*ventanilla, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run(
        [
            *ventanilla,
            "manage",
            "shell",
            "-c",
            "from ventanilla.jobs.jobs import review_digest; "
            "review_digest.enqueue(999, '2025-06-02T14:00:00+00:00')",
        ],
        env=env,
        check=True,
        timeout=60,
    )
    database = tmp_path / "ventanilla.sqlite3"

    def query(sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(database, timeout=5) as db:
            return db.execute(sql).fetchall()

    # when (started the way ``ventanilla demo`` starts it)
    worker = start_worker_process(scheduler_interval=0.2, env=env)
    try:
        _wait_for(
            lambda: (
                query("SELECT status FROM django_tasks_database_dbtaskresult")
                == [("SUCCESSFUL",)]
            )
        )
        _wait_for(
            lambda: (
                {"sla_scan", "auto_close"}
                <= {row[0] for row in query("SELECT job FROM jobs_scheduledrun")}
            )
        )
    finally:
        code = stop_worker_process(worker)

    # then
    assert code == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_do_each_piece_of_work_once(org, requester, rosario):
    if connection.vendor != "postgresql":
        pytest.skip("two processes need a database server")
    # given ten tickets resolved four days ago (auto-close is due) and ten
    # open ones past a one-minute first-response target (a breach is due)
    calendar = sla.create_calendar(
        name="24/7",
        weekly_hours={day: [["00:00", "24:00"]] for day in WEEKDAYS},
        country="",
        is_default=True,
    )
    sla.create_policy(
        name="Un minuto",
        calendar=calendar,
        pipeline=org.finanzas,
        first_response_minutes=1,
    )
    now = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(now - dt.timedelta(days=4), tick=False):
        for _ in range(10):
            ticket = open_test_ticket(
                org.finanzas, requester=requester, **classified(org, rosario)
            )
            tickets.change_stage(
                ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
            )
    with time_machine.travel(now - dt.timedelta(minutes=10), tick=False):
        for _ in range(10):
            open_test_ticket(
                org.finanzas, requester=requester, **classified(org, rosario)
            )
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = _env(DATABASE_URL=url)

    # when two worker processes run side by side
    workers = [_start_worker(env, f"proceso-{i}") for i in (1, 2)]
    closes = TicketEvent.objects.filter(
        kind=EventKind.STAGE_CHANGED, data__new_kind="closed"
    )
    breaches = TicketEvent.objects.filter(field="sla", data__sla_level="breach")
    try:
        _wait_for(lambda: closes.count() >= 10 and breaches.count() >= 10)
        time.sleep(1.5)  # several more scheduler passes by both
    finally:
        results = [_stop(worker) for worker in workers]

    # then each ticket was closed once and each breach raised once
    assert [code for code, _output in results] == [0, 0], results
    assert closes.count() == 10
    assert breaches.count() == 10
    runs = list(ScheduledRun.objects.values_list("job", "slot", "claimed_by"))
    assert {by for _job, _slot, by in runs} <= {"proceso-1", "proceso-2"}


def classified(org, owner) -> dict[str, object]:
    return {
        "type": org.adicion,
        "reason": org.pagos,
        "priority": org.alta,
        "team": org.finanzas_team,
        "owner": owner,
    }
