"""Agent replies leave as mail that threads in the customer's client."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest
from django.core import mail

from ventanilla.channels.mail import jobs, outbound
from ventanilla.channels.mail.ingest import ingest_many, ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.outbound import one_line, reply_subject, send_reply
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.directory.actions import create_contact
from ventanilla.tickets import actions
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Ticket


def _ticket_from_mail(mailbox, **kwargs):
    result = ingest_raw(build_mail(**kwargs), mailbox=mailbox, via=Via.PIPE)
    return Ticket.objects.get(number=result.ticket)


def _sent():
    assert len(mail.outbox) == 1
    return message_from_bytes(mail.outbox[0].message().as_bytes(), policy=default)


def test_reply_is_sent_on_commit_with_threading_headers(
    finanzas_mailbox, rosario, django_capture_on_commit_callbacks
):
    # given a ticket opened by mail
    ticket = _ticket_from_mail(
        finanzas_mailbox,
        message_id="<pedido@andinas.example>",
        subject="Estado de cuenta",
    )

    # when an agent replies
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.add_reply(
            ticket, author=rosario, body_text="Adjuntamos su estado."
        )

    # then the customer gets a mail that threads
    sent = _sent()
    reply.refresh_from_db()
    assert sent["Message-ID"] == reply.email_message_id
    assert reply.email_message_id.endswith("@generafactoring.pe>")
    assert sent["In-Reply-To"] == "<pedido@andinas.example>"
    assert sent["References"] == "<pedido@andinas.example>"
    assert sent["Subject"] == f"Re: Estado de cuenta [#{ticket.number}]"
    assert sent["To"] == "jorge.salas@andinas.example"
    assert sent["From"] == "Rosario Quispe <finanzas@generafactoring.pe>"
    assert sent["Auto-Submitted"] is None  # a person wrote it
    assert "Adjuntamos su estado." in sent.get_body(("plain",)).get_content()
    assert reply.email_sent_at is not None


def test_the_customer_answer_to_our_reply_threads_back(
    finanzas_mailbox, rosario, django_capture_on_commit_callbacks
):
    ticket = _ticket_from_mail(finanzas_mailbox)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions.add_reply(ticket, author=rosario, body_text="¿Nos confirma?")
    reply.refresh_from_db()

    # the customer's client keeps our Message-ID, not the subject token
    result = ingest_raw(
        build_mail(subject="Re: otra cosa", in_reply_to=reply.email_message_id),
        mailbox=finanzas_mailbox,
        via=Via.PIPE,
    )

    assert (result.outcome, result.ticket) == ("appended", ticket.number)


def test_a_reply_is_sent_only_once(finanzas_mailbox, rosario):
    ticket = _ticket_from_mail(finanzas_mailbox)
    reply = actions.add_reply(ticket, author=rosario, body_text="Hola")

    assert send_reply(reply.pk) is True
    assert send_reply(reply.pk) is False
    assert len(mail.outbox) == 1


def test_copied_contacts_receive_the_reply(org, finanzas_mailbox, rosario):
    ticket = _ticket_from_mail(finanzas_mailbox, cc="Ana Díaz <ana@andinas.example>")
    reply = actions.add_reply(ticket, author=rosario, body_text="Hola")

    send_reply(reply.pk)

    assert _sent()["Cc"] == "ana@andinas.example"


def test_user_fields_cannot_inject_headers(org, finanzas_mailbox, rosario):
    # given a subject that smuggles a header
    requester = create_contact(name="X", email="x@andinas.example", company=org.acme)
    ticket = actions.open_ticket(
        subject="Hola\r\nBcc: victima@example.test",
        pipeline=org.finanzas,
        channel="email",
        actor=requester,
        requester=requester,
        body_text="x",
    )
    rosario.first_name = "Rosario\nBcc: otra@example.test"
    reply = actions.add_reply(ticket, author=rosario, body_text="Hola")

    send_reply(reply.pk)

    sent = _sent()
    assert sent["Bcc"] is None
    assert "\n" not in sent["Subject"]
    assert mail.outbox[0].recipients() == ["x@andinas.example"]


def test_the_token_is_not_repeated_in_the_subject(ticket):
    assert reply_subject(ticket) == f"Re: {ticket.subject} [#{ticket.number}]"
    ticket.subject = f"RE: RV: Consulta [#{ticket.number}]"
    assert reply_subject(ticket) == f"Re: Consulta [#{ticket.number}]"


def test_one_line_removes_every_line_break():
    assert one_line("a\r\nb\nc\u2028d\x00e") == "a b c d e"


def test_notes_are_never_mailed(ticket, rosario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = actions.add_note(ticket, author=rosario, body_text="Interno")

    assert mail.outbox == []
    assert send_reply(note.pk) is False


def _ingest_on_commit(mailbox, capture, **kwargs):
    with capture(execute=True):
        return ingest_raw(build_mail(**kwargs), mailbox=mailbox, via=Via.PIPE)


def test_a_new_ticket_by_mail_is_acknowledged_once(
    finanzas_mailbox, django_capture_on_commit_callbacks
):
    # when
    result = _ingest_on_commit(
        finanzas_mailbox,
        django_capture_on_commit_callbacks,
        subject="RE: Estado de cuenta",
        message_id="<pide@andinas.example>",
    )

    # then
    sent = _sent()
    assert sent["To"] == "jorge.salas@andinas.example"
    assert sent["From"] == "finanzas@generafactoring.pe"
    assert sent["Subject"] == f"Re: Estado de cuenta [#{result.ticket}]"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == "<pide@andinas.example>"
    text = sent.get_body(("plain",)).get_content()
    assert f"#{result.ticket}" in text
    assert "Hemos recibido su solicitud" in text
    assert Ticket.objects.get().acknowledged_at is not None

    # and a reply on the same ticket gets no second acknowledgement
    _ingest_on_commit(
        finanzas_mailbox,
        django_capture_on_commit_callbacks,
        in_reply_to="<pide@andinas.example>",
    )
    assert len(mail.outbox) == 1


def test_notices_and_auto_replies_are_never_acknowledged(
    finanzas_mailbox, django_capture_on_commit_callbacks
):
    _ingest_on_commit(
        finanzas_mailbox,
        django_capture_on_commit_callbacks,
        sender="notificaciones@sunat.gob.pe",
        subject="SUNAT - Nueva notificación",
        headers={"Auto-Submitted": "auto-generated"},
    )
    _ingest_on_commit(
        finanzas_mailbox,
        django_capture_on_commit_callbacks,
        subject="Fuera de la oficina",
        headers={"Auto-Submitted": "auto-replied"},
    )

    assert Ticket.objects.count() == 1  # the notice opened one
    assert mail.outbox == []


def test_mail_from_one_of_our_mailboxes_is_not_acknowledged(
    org, finanzas_mailbox, django_capture_on_commit_callbacks
):
    from ventanilla.channels.mail.actions import create_mailbox

    create_mailbox(address="cobranza@generafactoring.pe", pipeline=org.cobranzas)

    _ingest_on_commit(
        finanzas_mailbox,
        django_capture_on_commit_callbacks,
        sender="cobranza@generafactoring.pe",
        subject="COB: liquidación",
    )

    assert Ticket.objects.count() == 1
    assert mail.outbox == []


def test_notify_only_mode_mails_a_portal_link_instead_of_the_reply(
    settings, finanzas_mailbox, rosario
):
    # given an organisation in "notify only" mode (R-POR-3)
    settings.VENTANILLA_NOTIFY_MODE = "link"
    settings.SITE_URL = "https://ayuda.example"
    ticket = _ticket_from_mail(
        finanzas_mailbox, message_id="<pedido@andinas.example>", subject="Estado"
    )
    reply = actions.add_reply(
        ticket,
        author=rosario,
        body_text="Su saldo confidencial es 12 345,67.",
        attachments=[NewAttachment(filename="estado.pdf", content=b"%PDF-1")],
    )

    # when the reply is sent
    send_reply(reply.pk)

    # then the mail threads and links to the portal, without the content
    sent = _sent()
    reply.refresh_from_db()
    text = sent.get_body(("plain",)).get_content()
    html = sent.get_body(("html",)).get_content()
    assert f"https://ayuda.example/portal/requests/{ticket.number}/" in text
    assert f"https://ayuda.example/portal/requests/{ticket.number}/" in html
    assert "12 345,67" not in text + html
    assert not list(sent.iter_attachments())
    assert sent["Message-ID"] == reply.email_message_id
    assert sent["In-Reply-To"] == "<pedido@andinas.example>"
    assert sent["Subject"] == f"Re: Estado [#{ticket.number}]"
    assert sent["Reply-To"] == "finanzas@generafactoring.pe"


def test_full_mode_mails_the_reply_text_and_files(finanzas_mailbox, rosario):
    ticket = _ticket_from_mail(finanzas_mailbox)
    reply = actions.add_reply(
        ticket,
        author=rosario,
        body_text="Su saldo es 12 345,67.",
        attachments=[NewAttachment(filename="estado.pdf", content=b"%PDF-1")],
    )

    send_reply(reply.pk)

    sent = _sent()
    assert "12 345,67" in sent.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in sent.iter_attachments()] == ["estado.pdf"]


def test_a_batch_acknowledges_each_new_request_once_in_one_job(
    finanzas_mailbox, django_capture_on_commit_callbacks
):
    # given three requests, an auto-reply and a reply to the first
    raws = [
        build_mail(
            subject=f"Consulta {n}",
            sender=f"Cliente {n} <c{n}@andinas.example>",
            message_id=f"<c{n}@andinas.example>",
        )
        for n in range(3)
    ]
    raws += [
        build_mail(
            subject="Fuera de oficina", headers={"Auto-Submitted": "auto-replied"}
        ),
        build_mail(sender="c0@andinas.example", in_reply_to="<c0@andinas.example>"),
    ]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        results = ingest_many([(raw, finanzas_mailbox) for raw in raws], via=Via.IMAP)

    # then
    assert [r.outcome for r in results] == [
        "created",
        "created",
        "created",
        "suppressed",
        "appended",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "c0@andinas.example",
        "c1@andinas.example",
        "c2@andinas.example",
    ]


def test_one_failed_acknowledgement_does_not_stop_the_others(
    finanzas_mailbox, monkeypatch
):
    # given two new tickets, and a mail server that refuses the first
    first, second = (
        _ticket_from_mail(finanzas_mailbox, sender=f"c{n}@andinas.example")
        for n in range(2)
    )
    ids = [t.messages.get().pk for t in (first, second)]
    real = outbound.send_acknowledgement

    def refuses_first(message_id):
        if message_id == ids[0]:
            raise ConnectionRefusedError("smtp down")
        return real(message_id)

    monkeypatch.setattr(outbound, "send_acknowledgement", refuses_first)
    mail.outbox.clear()

    # when
    with pytest.raises(ConnectionRefusedError):
        jobs.send_acknowledgements.call(ids)

    # then the second was sent all the same
    assert [m.to[0] for m in mail.outbox] == ["c1@andinas.example"]
