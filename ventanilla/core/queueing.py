"""Jobs queued with the change that makes them due.

In production a job is a row of this database (``django_tasks_db``). A job
queued inside the transaction of its change is written by that
transaction: workers see it when the change commits, a rollback (or a
rolled-back savepoint) takes it away with the change, and no process can
stop between a commit and the queueing of its jobs. It costs the change
one INSERT, not a second commit.

Other backends act on enqueue (the immediate backend of the tests runs the
job there and then; a broker would send it), so for them the job waits for
the commit, as ``transaction.on_commit`` has it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend


def jobs_are_rows() -> bool:
    """Whether jobs are written to this database (and so are transactional)."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def queue_with_change(enqueue: Callable[[], object]) -> None:
    """Run ``enqueue`` (which queues jobs) as part of the current change:
    now, inside its transaction, when jobs are rows; on commit otherwise."""
    if jobs_are_rows():
        enqueue()
    else:
        transaction.on_commit(enqueue)
