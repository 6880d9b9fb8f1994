"""Bulk and list mail is suppressed unless a rule admits it (R-CAP-6)."""

from __future__ import annotations

from django.core import mail

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.routing.actions import create_rule
from ventanilla.tickets.models import Ticket

BANK_LIST = {"List-Id": "<alertas.bancoandino.example>", "Precedence": "bulk"}


def _bank_alert():
    return build_mail(
        sender="alertas@bancoandino.example",
        subject="Abono recibido en su cuenta corriente",
        body="Se ha registrado un abono de S/ 12,500.00 en su cuenta.",
        headers=BANK_LIST,
    )


def test_list_mail_is_suppressed_without_a_rule(finanzas_mailbox):
    result = ingest_raw(_bank_alert(), mailbox=finanzas_mailbox, via=Via.PIPE)

    assert result.outcome == "suppressed"
    assert not Ticket.objects.exists()


def test_a_rule_admits_list_mail_and_it_is_not_acknowledged(
    finanzas_mailbox, django_capture_on_commit_callbacks
):
    # given a rule that admits the bank's alerts
    create_rule(
        name="Alertas del banco",
        conditions={"sender_domains": ["bancoandino.example"]},
        actions={"admit_bulk": True},
    )

    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_raw(_bank_alert(), mailbox=finanzas_mailbox, via=Via.PIPE)

    # then
    assert result.outcome == "created"
    assert Ticket.objects.get().subject == "Abono recibido en su cuenta corriente"
    assert mail.outbox == []


def test_a_rule_for_other_senders_does_not_admit_the_list(finanzas_mailbox):
    create_rule(
        name="Otro banco",
        conditions={"sender_domains": ["otrobanco.example"]},
        actions={"admit_bulk": True},
    )

    result = ingest_raw(_bank_alert(), mailbox=finanzas_mailbox, via=Via.PIPE)

    assert result.outcome == "suppressed"
