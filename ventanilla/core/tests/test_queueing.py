"""Jobs are written by the transaction of their change when the queue is
this database, and wait for the commit with any other backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from conftest import Org
from ventanilla.core.queueing import jobs_are_rows, queue_with_change
from ventanilla.directory.models import Contact
from ventanilla.tickets.tests.factories import open_test_ticket

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


class Rollback(Exception):
    pass


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_change_writes_its_jobs_in_its_own_transaction(
    org: Org, requester: Contact
) -> None:
    assert jobs_are_rows()
    with transaction.atomic():
        ticket = open_test_ticket(org.finanzas, requester=requester)
        # Before any commit: the SLA job is a row of this transaction.
        paths = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert (
        "ventanilla.sla.jobs.recompute_ticket_sla",
        {"args": [ticket.pk], "kwargs": {}},
    ) in paths


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_rolled_back_change_leaves_no_job(org: Org, requester: Contact) -> None:
    with pytest.raises(Rollback), transaction.atomic():
        open_test_ticket(org.finanzas, requester=requester)
        assert DBTaskResult.objects.exists()
        raise Rollback
    assert not DBTaskResult.objects.exists()


def test_other_backends_queue_on_commit(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    assert not jobs_are_rows()  # the tests' immediate backend
    ran: list[int] = []
    with django_capture_on_commit_callbacks() as callbacks:
        queue_with_change(lambda: ran.append(1))
        assert ran == []
    assert len(callbacks) == 1
