"""Rows read by hand-written statements come back as the ORM reads them."""

from __future__ import annotations

import pytest
from django.db import connection

from ventanilla.core.rows import columns, from_row
from ventanilla.tickets.models import Message, Ticket, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Ticket, Message, TicketEvent])
def test_a_row_read_by_hand_equals_the_orm_read(org, requester, rosario, model):
    # given rows with dates, booleans, JSON, empty and set foreign keys
    open_test_ticket(
        org.finanzas, requester=requester, priority=org.alta, owner=rosario
    )
    open_test_ticket(org.cobranzas, requester=None, body_text="")
    table = connection.ops.quote_name(model._meta.db_table)
    # when
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns(model, 'x')} FROM {table} x ORDER BY x.id")  # noqa: S608
        by_hand = [from_row(model, row) for row in cursor.fetchall()]
    # then every attribute is the ORM's, type and time zone included
    by_orm = list(model.objects.order_by("id"))
    assert by_hand
    for mine, theirs in zip(by_hand, by_orm, strict=True):
        for field in model._meta.concrete_fields:
            ours, orm = getattr(mine, field.attname), getattr(theirs, field.attname)
            assert (ours, type(ours)) == (orm, type(orm)), field.name
        assert not mine._state.adding
