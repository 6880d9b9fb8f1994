"""Rows read by hand-written statements come back as the ORM reads them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from ventanilla.api.actions import create_token, revoke_token
from ventanilla.api.models import ApiToken, Scope
from ventanilla.core.rows import columns, from_row
from ventanilla.directory.models import Agent, Company, Contact
from ventanilla.tickets.models import Message, Ticket, TicketEvent
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Ticket, Message, TicketEvent, Contact, Company, User, Agent, ApiToken]
)
def test_a_row_read_by_hand_equals_the_orm_read(
    org, requester, rosario, cliente, model
):
    # given rows with dates, booleans, JSON, empty and set foreign keys
    open_test_ticket(
        org.finanzas, requester=requester, priority=org.alta, owner=rosario
    )
    open_test_ticket(org.cobranzas, requester=None, body_text="")
    revoke_token(create_token(rosario, name="ERP", scope=Scope.READ).token)
    create_token(cliente, name="Portal", scope=Scope.WRITE)
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


def test_a_row_inserted_by_hand_is_the_row_save_writes(org, requester, rosario):
    from ventanilla.core.rows import insert_row
    from ventanilla.tickets.models import Channel, EventKind

    ticket = open_test_ticket(org.finanzas, requester=requester)

    def event() -> TicketEvent:
        return TicketEvent(
            ticket=ticket,
            kind=EventKind.NOTE_ADDED,
            actor_user=rosario,
            actor_label="Rosario",
            data={"canal": Channel.EMAIL, "número": 1, "ñ": ["á", None]},
        )

    saved, inserted = event(), event()
    saved.save()
    insert_row(inserted)
    assert inserted.pk and inserted.pk != saved.pk and not inserted._state.adding
    assert inserted.created_at is not None
    again = {
        e.pk: e for e in TicketEvent.objects.filter(pk__in=[saved.pk, inserted.pk])
    }
    for field in TicketEvent._meta.concrete_fields:
        if field.name in {"id", "created_at"}:
            continue
        assert getattr(again[inserted.pk], field.attname) == getattr(
            again[saved.pk], field.attname
        ), field.name


def test_inserting_a_row_whose_relation_is_unsaved_is_refused(org, requester):
    from ventanilla.core.rows import insert_row

    unsaved = Ticket(subject="x", pipeline=org.finanzas)
    with pytest.raises(ValueError, match="unsaved related object 'ticket'"):
        insert_row(Message(ticket=unsaved, body_text="x"))
