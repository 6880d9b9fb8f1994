"""Concurrent creation on PostgreSQL hands out distinct numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_two_threads_opening_tickets_get_distinct_numbers(org, requester):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only contended on PostgreSQL")
    per_thread = 25
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                open_test_ticket(org.finanzas, requester=requester)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == 2 * per_thread
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers)))
