"""``ventanilla worker``: background jobs and the scheduler in one process.

Two threads share the process:

* the main thread runs django-tasks-db's worker loop (the queued jobs:
  notices, digests, recomputations);
* a scheduler thread wakes every ``scheduler_interval`` seconds and runs
  ``jobs.actions.run_due``: SLA scan, auto-close, review digests. Slots are
  claimed in the database, so any number of workers on any number of
  machines can run side by side; each slot runs once.

SIGTERM or SIGINT stops both: the task loop finishes the job it is running
(if any) and the scheduler finishes its current step, then the process
exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from types import FrameType

from django.db import close_old_connections, connections
from django.utils import timezone

from ventanilla.jobs.actions import run_due

logger = logging.getLogger(__name__)


@dataclass
class Scheduler:
    worker_id: str
    interval: float
    stop: threading.Event = field(default_factory=threading.Event)

    def step(self) -> list[str]:
        """One pass: run what is due now. Never raises."""
        try:
            close_old_connections()
            return run_due(timezone.now(), worker_id=self.worker_id)
        except Exception:
            logger.exception("scheduler step failed; trying again next time")
            return []

    def run(self) -> None:
        logger.info("scheduler %s: every %ss", self.worker_id, self.interval)
        try:
            while not self.stop.is_set():
                done = self.step()
                if done:
                    logger.info("scheduler ran: %s", ", ".join(done))
                self.stop.wait(self.interval)
        finally:
            connections.close_all()


def run_worker(
    *,
    worker_id: str,
    interval: float,
    scheduler_interval: float,
    queue_names: list[str],
    with_scheduler: bool = True,
    with_tasks: bool = True,
) -> None:
    """Run until SIGTERM/SIGINT (see the module docstring)."""
    from django_tasks_db.management.commands.db_worker import Worker

    stop = threading.Event()
    scheduler = Scheduler(worker_id, scheduler_interval, stop)
    thread = threading.Thread(target=scheduler.run, name="scheduler", daemon=True)
    worker = Worker(
        queue_names=queue_names,
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )

    def shutdown(signum: int, frame: FrameType | None) -> None:
        logger.info("worker %s: %s, stopping", worker_id, signal.strsignal(signum))
        stop.set()
        worker.running = False

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    if with_scheduler:
        thread.start()
    try:
        if with_tasks:
            worker.run()
        else:
            stop.wait()
    finally:
        stop.set()
        if with_scheduler:
            thread.join(timeout=60)
    logger.info("worker %s stopped", worker_id)


def start_worker_process(
    *, scheduler_interval: float = 15.0, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``ventanilla worker`` as a child process (for ``ventanilla demo``,
    which serves the web application in the foreground). Stop it with
    ``stop_worker_process``."""
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [
            sys.executable,
            "-m",
            "ventanilla",
            "worker",
            "--scheduler-interval",
            str(scheduler_interval),
        ],
        env=env if env is not None else dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop_worker_process(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM, then wait for the clean exit; kill only if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    return process.returncode
