"""Quarantine is listed, can be retried, and the reconciliation adds up."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ventanilla.channels.mail import ingest
from ventanilla.channels.mail.actions import retry_inbound
from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import InboundMessage, Outcome, Via
from ventanilla.channels.mail.queries import quarantined, reconciliation
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.core.errors import ActionRefused
from ventanilla.tickets.models import Ticket


def test_a_quarantined_message_is_processed_again_after_the_fix(
    finanzas_mailbox, monkeypatch
):
    # given a message that failed because of a bug
    real = ingest.tickets.open_ticket_with_message

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(ingest.tickets, "open_ticket_with_message", broken)
    failed = ingest_raw(build_mail(), mailbox=finanzas_mailbox, via=Via.PIPE)
    row = InboundMessage.objects.get(pk=failed.inbound_id)
    assert list(quarantined()) == [row]

    # when the bug is fixed and the message retried
    monkeypatch.setattr(ingest.tickets, "open_ticket_with_message", real)
    result = retry_inbound(row)

    # then it becomes a ticket and leaves the quarantine
    assert result.outcome == "created"
    assert Ticket.objects.count() == 1
    assert list(quarantined()) == []
    row.refresh_from_db()
    assert (row.attempts, row.reason) == (2, "")


def test_a_processed_message_is_not_retried(finanzas_mailbox):
    done = ingest_raw(build_mail(), mailbox=finanzas_mailbox, via=Via.PIPE)

    with pytest.raises(ActionRefused):
        retry_inbound(InboundMessage.objects.get(pk=done.inbound_id))


def test_reconciliation_counts_what_came_in_and_what_it_became(
    finanzas_mailbox, operaciones_mailbox
):
    ingest_raw(build_mail(subject="Uno"), mailbox=finanzas_mailbox, via=Via.PIPE)
    ingest_raw(
        build_mail(subject="Vacaciones", headers={"Auto-Submitted": "auto-replied"}),
        mailbox=finanzas_mailbox,
        via=Via.PIPE,
    )
    ingest_raw(build_mail(subject="Dos"), mailbox=operaciones_mailbox, via=Via.PIPE)

    rows = {r["address"]: r for r in reconciliation()}

    assert rows["finanzas@generafactoring.pe"] == {
        "address": "finanzas@generafactoring.pe",
        "received": 2,
        "created": 1,
        "appended": 0,
        "quarantined": 0,
        "suppressed": 1,
        "pending": 0,
    }
    assert rows["operaciones@generafactoring.pe"]["quarantined"] == 1
    out = io.StringIO()
    call_command("mail_report", stdout=out)
    assert "Vacaciones" in out.getvalue()
    assert "operaciones@generafactoring.pe  1  0  0  1  0  0" in out.getvalue()


def test_quarantine_listing_does_not_load_raw_bytes(
    finanzas_mailbox, django_assert_num_queries
):
    for n in range(3):
        ingest_raw(b"basura %d" % n, mailbox=finanzas_mailbox, via=Via.PIPE)

    with django_assert_num_queries(1):
        rows = [(r.mailbox.address, r.ticket, r.reason) for r in quarantined()]

    assert len(rows) == 3
    assert "raw" in InboundMessage.objects.defer("raw").first().get_deferred_fields()
    assert quarantined().first().outcome == Outcome.QUARANTINED


def test_quarantine_admin_lists_and_retries(admin_client_agent, finanzas_mailbox):
    ingest_raw(b"basura", mailbox=finanzas_mailbox, via=Via.PIPE)
    row = InboundMessage.objects.get()

    page = admin_client_agent.get(
        "/admin/mail/inboundmessage/?outcome__exact=quarantined"
    )
    assert page.status_code == 200
    assert b"basura" in page.content or row.reason.encode() in page.content

    response = admin_client_agent.post(
        "/admin/mail/inboundmessage/",
        {"action": "retry", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.attempts == 2


@pytest.fixture
def admin_client_agent(client, admin):
    client.force_login(admin)
    return client
