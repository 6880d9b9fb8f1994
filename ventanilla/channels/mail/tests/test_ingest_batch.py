"""ingest_many (the batch path) and the cost of one message (queries)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from ventanilla.channels.mail import ingest
from ventanilla.channels.mail.ingest import ingest_many, ingest_raw, store_raw
from ventanilla.channels.mail.models import InboundMessage, Outcome, Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.sla import jobs as sla_jobs
from ventanilla.tickets.models import EventKind, Ticket, TicketEvent


def _outcomes(results):
    return [r.outcome for r in results]


def test_a_batch_ends_as_the_same_messages_one_by_one_would(
    finanzas_mailbox, operaciones_mailbox
):
    # given new mail, a reply to it in the same batch, the same bytes twice,
    # one message stored earlier, garbage and mail for an unconnected box
    first = build_mail(message_id="<lote-1@andinas.example>")
    reply = build_mail(
        subject="RE: Solicitud de estado de cuenta",
        message_id="<lote-2@andinas.example>",
        in_reply_to="<lote-1@andinas.example>",
    )
    earlier = build_mail(message_id="<antes@andinas.example>")
    store_raw(earlier, mailbox=finanzas_mailbox, via=Via.IMAP)
    unconnected = build_mail(message_id="<op@andinas.example>")
    batch = [
        (first, finanzas_mailbox),
        (reply, finanzas_mailbox),
        (first, finanzas_mailbox),
        (earlier, finanzas_mailbox),
        (b"\x00\x01 not mail", finanzas_mailbox),
        (unconnected, operaciones_mailbox),
    ]

    # when
    results = ingest_many(batch, via=Via.IMAP, batch_size=4)

    # then the results come in order, each as ingest_raw would give it
    assert _outcomes(results) == [
        "created",
        "appended",
        "duplicate",
        "created",
        "quarantined",
        "quarantined",
    ]
    assert results[1].ticket == results[0].ticket == results[2].ticket
    assert results[2].inbound_id == results[0].inbound_id
    assert Ticket.objects.get(number=results[0].ticket).messages.count() == 2
    assert InboundMessage.objects.count() == 5  # the same bytes are one row
    assert not InboundMessage.objects.filter(outcome=Outcome.RECEIVED).exists()
    # and running it again changes nothing
    again = ingest_many(batch, via=Via.IMAP)
    assert set(_outcomes(again)) == {"duplicate"}
    assert Ticket.objects.count() == 2


def test_a_message_that_fails_is_quarantined_alone(finanzas_mailbox, monkeypatch):
    # given a bug that one message's body meets, written together or alone
    real = ingest.tickets._body

    def fails_on_one(body_text, body_html):
        if "Rompe" in body_text:
            raise RuntimeError("bug")
        return real(body_text, body_html)

    monkeypatch.setattr(ingest.tickets, "_body", fails_on_one)
    batch = [
        (build_mail(subject=subject, body=f"{subject}."), finanzas_mailbox)
        for subject in ("Uno", "Rompe", "Tres")
    ]

    results = ingest_many(batch, via=Via.PIPE)

    assert _outcomes(results) == ["created", "quarantined", "created"]
    broken = InboundMessage.objects.get(pk=results[1].inbound_id)
    assert broken.reason == "RuntimeError: bug"
    assert broken.attempts == 1
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Tres", "Uno"]
    # the failed message's work was rolled back to its savepoint, no further
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 2


def test_a_failed_batch_is_processed_again_one_by_one(finanzas_mailbox, monkeypatch):
    def broken(batch):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ingest, "_process_batch", broken)
    batch = [(build_mail(subject=s), finanzas_mailbox) for s in ("Uno", "Dos")]

    results = ingest_many(batch, via=Via.PIPE)

    assert _outcomes(results) == ["created", "created"]
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_raw_messages_are_committed_before_any_is_processed(org, monkeypatch):
    from ventanilla.channels.mail.actions import create_mailbox

    mailbox = create_mailbox(
        address="finanzas@generafactoring.pe", pipeline=org.finanzas
    )

    def crash(batch):
        raise SystemExit("killed")

    monkeypatch.setattr(ingest, "_process_batch", crash)
    batch = [(build_mail(subject=s), mailbox) for s in ("Uno", "Dos", "Tres")]

    with pytest.raises(SystemExit):
        ingest_many(batch, via=Via.PIPE)

    # every message survived the crash, waiting to be finished
    assert InboundMessage.objects.filter(outcome=Outcome.RECEIVED).count() == 3
    monkeypatch.undo()
    assert _outcomes(ingest_many(batch, via=Via.PIPE)) == ["created"] * 3


def test_a_batch_queues_one_sla_recomputation_for_all_its_tickets(
    finanzas_mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    class Spy:
        def __init__(self):
            self.calls = []

        def enqueue(self, *args):
            self.calls.append(args)

    one_by_one, together = Spy(), Spy()
    monkeypatch.setattr(sla_jobs, "recompute_ticket_sla", one_by_one)
    monkeypatch.setattr(sla_jobs, "recompute_tickets_sla", together)
    first = build_mail(message_id="<sla-1@andinas.example>")
    reply = build_mail(subject="RE: x", in_reply_to="<sla-1@andinas.example>")
    other = build_mail(subject="Otro")

    with django_capture_on_commit_callbacks(execute=True):
        results = ingest_many(
            [(raw, finanzas_mailbox) for raw in (first, reply, other)],
            via=Via.PIPE,
        )

    assert _outcomes(results) == ["created", "appended", "created"]
    assert one_by_one.calls == []
    assert together.calls == [(sorted(Ticket.objects.values_list("pk", flat=True)),)]


# -- what one message costs --------------------------------------------------
#
# Pinned so that a change adding queries to the hot path fails here. Inside
# a test the transactions are savepoints, and SAVEPOINT/RELEASE statements
# count. The jobs queued on commit are not run here.


def test_queries_for_a_message_that_opens_a_ticket(
    finanzas_mailbox, requester, django_assert_num_queries
):
    ingest_raw(build_mail(), mailbox=finanzas_mailbox, via=Via.PIPE)  # warm up
    raw = build_mail(subject="Otra consulta", message_id="<nuevo@andinas.example>")

    # 1. the raw message: savepoint, insert, release (3)
    # 2. savepoint, claim, contact, storm/duplicate check (4)
    # 3. open_ticket: savepoint, stage, company, number, ticket, message,
    #    event, release (8)
    # 4. routing: savepoint, rules, decision log (select, savepoint, insert,
    #    release), release (7)
    # 5. the raw message's outcome, release (2)
    with django_assert_num_queries(24):
        result = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)

    assert result.outcome == "created"


def test_queries_for_a_reply(
    finanzas_mailbox, requester, classified_ticket, django_assert_num_queries
):
    first = ingest_raw(
        build_mail(message_id="<hilo-q@andinas.example>"),
        mailbox=finanzas_mailbox,
        via=Via.PIPE,
    )
    raw = build_mail(subject="RE: Solicitud", in_reply_to="<hilo-q@andinas.example>")

    # the raw message (3); savepoint, claim, contact, threading,
    # storm/duplicate check (5); add_customer_message: savepoint, lock,
    # message, event, ticket, release (6); the outcome, release (2)
    with django_assert_num_queries(16):
        result = ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)

    assert (result.outcome, result.ticket) == ("appended", first.ticket)


def test_a_bug_in_the_batch_path_falls_back_to_one_by_one(
    finanzas_mailbox, monkeypatch
):
    from ventanilla.channels.mail import batch

    def broken(items):
        raise RuntimeError("bug")

    monkeypatch.setattr(batch._Facts, "read", broken)
    mail = [(build_mail(subject=s), finanzas_mailbox) for s in ("Uno", "Dos")]

    results = ingest_many(mail, via=Via.PIPE)

    assert _outcomes(results) == ["created", "created"]
    assert not InboundMessage.objects.filter(outcome=Outcome.RECEIVED).exists()
