"""Customer mails on creation (portal, web form), resolution and closing,
and the satisfaction survey they link to."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import Org
from ventanilla.channels.mail.actions import create_mailbox
from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.directory.models import Contact
from ventanilla.notifications.actions import send_stage_notice
from ventanilla.notifications.models import Notice
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import (
    Channel,
    EventKind,
    Satisfaction,
    Ticket,
    TicketEvent,
)
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _parsed(index: int = -1) -> EmailMessage:
    raw = mail.outbox[index].message().as_bytes()
    return message_from_bytes(raw, policy=default)


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _classified(org: Org, requester: Contact, owner: User, **kw: Any) -> Ticket:
    return open_test_ticket(
        org.finanzas,
        requester=requester,
        subject="Estado de cuenta",
        type=org.adicion,
        reason=org.pagos,
        priority=org.alta,
        team=org.finanzas_team,
        owner=owner,
        **kw,
    )


def test_portal_ticket_is_acknowledged_once(
    org: Org, requester: Contact, capture: Any
) -> None:
    # when a ticket is opened in the portal
    with capture():
        ticket = open_test_ticket(
            org.servicio, requester=requester, channel=Channel.PORTAL
        )
    # then the requester is told, with the token in the subject
    assert len(mail.outbox) == 1
    sent = _parsed()
    assert sent["To"] == "jorge.salas@andinas.example"
    assert ticket.token in sent["Subject"]
    assert sent["Auto-Submitted"] == "auto-replied"
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None


def test_mail_tickets_are_not_acknowledged_twice(org: Org, capture: Any) -> None:
    # given the mail channel's own acknowledgement
    mailbox = create_mailbox(
        address="finanzas@generafactoring.pe", pipeline=org.finanzas
    )
    with capture():
        ingest_raw(build_mail(), mailbox=mailbox, via=Via.PIPE)
    # then only one mail went out
    assert len(mail.outbox) == 1


def test_agent_created_tickets_are_not_acknowledged(
    org: Org, requester: Contact, capture: Any
) -> None:
    with capture():
        open_test_ticket(org.finanzas, requester=requester, channel=Channel.PHONE)
    assert mail.outbox == []


def test_resolved_mail_threads_and_links_to_the_survey(
    org: Org, requester: Contact, rosario: User, capture: Any, settings: Any
) -> None:
    # given an acknowledged portal ticket with a mailed reply
    settings.SITE_URL = "https://ayuda.example"
    with capture():
        ticket = _classified(org, requester, rosario, channel=Channel.PORTAL)
        reply = actions.add_reply(ticket, author=rosario, body_text="Listo.")
    reply.refresh_from_db()
    mail.outbox.clear()
    # when the agent resolves it
    with capture():
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )
    # then
    assert len(mail.outbox) == 1
    sent = _parsed()
    text = _text(sent)
    assert ticket.token in sent["Subject"]
    assert sent["In-Reply-To"] == reply.email_message_id
    assert reply.email_message_id in sent["References"]
    assert f"https://ayuda.example/portal/requests/{ticket.number}/" in text
    survey = re.search(r"https://ayuda\.example(/portal/survey/\S+/)", text)
    assert survey is not None
    notice = Notice.objects.get()
    assert notice.sent_at is not None
    assert sent["Message-ID"] == notice.email_message_id
    # and the survey works without signing in
    client = Client()
    page = client.get(survey.group(1), {"score": "4"})
    assert page.status_code == 200
    saved = client.post(survey.group(1), {"score": "5", "comment": "Muy rápido"})
    assert saved.status_code == 200
    rating = Satisfaction.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.contact) == (
        5,
        "Muy rápido",
        requester,
    )
    event = ticket.events.get(kind=EventKind.SATISFACTION_RATED)
    assert event.new == "5"
    # answering again replaces the rating and keeps both in the trail
    client.post(survey.group(1), {"score": "3"})
    assert Satisfaction.objects.get(ticket=ticket).score == 3
    assert ticket.events.filter(kind=EventKind.SATISFACTION_RATED).count() == 2


def test_closed_mail_is_sent_and_each_notice_only_once(
    org: Org, requester: Contact, rosario: User, capture: Any
) -> None:
    with capture():
        ticket = _classified(org, requester, rosario, channel=Channel.PORTAL)
    mail.outbox.clear()
    with capture():
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.CLOSED), actor=rosario
        )
    assert len(mail.outbox) == 1
    assert "cerrad" in _text(_parsed()).lower()
    # a second run of the same job sends nothing
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STAGE_CHANGED)
    assert send_stage_notice(event.pk) is False
    assert len(mail.outbox) == 1


def test_other_stage_changes_send_nothing(
    org: Org, requester: Contact, rosario: User, capture: Any
) -> None:
    with capture():
        ticket = _classified(org, requester, rosario, channel=Channel.PORTAL)
    mail.outbox.clear()
    with capture():
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
        )
    assert mail.outbox == []


def test_unacknowledged_mail_tickets_get_no_resolved_mail(
    org: Org, requester: Contact, rosario: User, capture: Any
) -> None:
    # given a mail ticket that was never acknowledged (an automatic notice)
    ticket = _classified(org, requester, rosario, channel=Channel.EMAIL)
    with capture():
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )
    assert mail.outbox == []


def test_merged_tickets_are_not_announced_as_closed(
    org: Org, requester: Contact, rosario: User, capture: Any
) -> None:
    with capture():
        first = _classified(org, requester, rosario, channel=Channel.PORTAL)
        second = _classified(org, requester, rosario, channel=Channel.PORTAL)
    mail.outbox.clear()
    with capture():
        actions.merge_tickets(second, into=first, actor=rosario)
    assert mail.outbox == []


def test_survey_link_cannot_be_forged_or_reused_for_another_ticket(
    org: Org, requester: Contact
) -> None:
    ticket = open_test_ticket(org.finanzas, requester=requester)
    url = reverse("portal:survey", args=["123:abc"])
    assert Client().get(url).status_code == 410
    assert Client().post(url, {"score": "5"}).status_code == 410
    assert not Satisfaction.objects.filter(ticket=ticket).exists()


def test_survey_refuses_scores_outside_1_to_5(org: Org, requester: Contact) -> None:
    from ventanilla.portal.links import survey_token

    ticket = open_test_ticket(org.finanzas, requester=requester)
    url = reverse("portal:survey", args=[survey_token(ticket)])
    assert Client().post(url, {"score": "9"}).status_code == 422
    assert Client().post(url, {"score": "x"}).status_code == 422
    assert not Satisfaction.objects.exists()


def test_history_recorded_quietly_mails_nobody(
    org: Org, requester: Contact, rosario: User, capture: Any
) -> None:
    from ventanilla.notifications.receivers import quiet

    with capture(), quiet():
        ticket = _classified(org, requester, rosario, channel=Channel.PORTAL)
        actions.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.RESOLVED), actor=rosario
        )
    assert mail.outbox == []
