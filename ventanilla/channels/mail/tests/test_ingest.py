"""ingest_raw: every message stored first, then threaded, never lost."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import override_settings

from ventanilla.channels.mail import ingest
from ventanilla.channels.mail.ingest import ingest_raw, process, store_raw
from ventanilla.channels.mail.models import InboundMessage, Outcome, Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.directory.actions import create_contact
from ventanilla.directory.models import Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import Channel, LinkKind, MessageKind, Ticket, TicketLink
from ventanilla.tickets.tests.factories import stage


def _ingest(raw, mailbox):
    return ingest_raw(raw, mailbox=mailbox, via=Via.PIPE)


def test_new_message_opens_a_ticket_in_the_mailbox_pipeline(org, finanzas_mailbox):
    # given
    raw = build_mail(
        cc="Ana Díaz <ana@andinas.example>, finanzas@generafactoring.pe",
        message_id="<uno@andinas.example>",
    )

    # when
    result = _ingest(raw, finanzas_mailbox)

    # then
    assert result.outcome == "created"
    ticket = Ticket.objects.get(number=result.ticket)
    assert ticket.pipeline == org.finanzas
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Solicitud de estado de cuenta"
    assert ticket.requester.email == "jorge.salas@andinas.example"
    assert ticket.requester.name == "Jorge Salas"
    assert ticket.company == org.acme  # matched by the sender's domain
    assert [c.email for c in ticket.cc.all()] == ["ana@andinas.example"]
    message = ticket.messages.get()
    assert message.email_message_id == "<uno@andinas.example>"
    assert "estado de cuenta de marzo" in message.body_text
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == raw
    assert row.outcome == Outcome.CREATED
    assert (row.ticket, row.ticket_message) == (ticket, message)
    assert result.as_json() == {
        "outcome": "created",
        "ticket": ticket.number,
        "message_id": "<uno@andinas.example>",
    }


def test_the_same_message_twice_is_a_duplicate_and_creates_nothing(finanzas_mailbox):
    raw = build_mail()
    first = _ingest(raw, finanzas_mailbox)

    second = _ingest(raw, finanzas_mailbox)

    assert second.outcome == "duplicate"
    assert second.ticket == first.ticket
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1


def test_same_message_id_with_other_bytes_is_kept_but_not_added_twice(finanzas_mailbox):
    first = _ingest(build_mail(message_id="<x@andinas.example>"), finanzas_mailbox)

    again = _ingest(
        build_mail(message_id="<x@andinas.example>", headers={"X-Relay": "2"}),
        finanzas_mailbox,
    )

    assert again.outcome == "suppressed"
    assert again.ticket is None
    assert Ticket.objects.get().messages.count() == 1
    row = InboundMessage.objects.get(pk=again.inbound_id)
    assert f"#{first.ticket}" in row.reason


def test_reply_is_threaded_by_in_reply_to(
    classified_ticket, requester, finanzas_mailbox
):
    # given a ticket whose first message has a known Message-ID
    first = _ingest(build_mail(message_id="<hilo@andinas.example>"), finanzas_mailbox)

    # when the customer replies to it
    result = _ingest(
        build_mail(subject="RE: Solicitud", in_reply_to="<hilo@andinas.example>"),
        finanzas_mailbox,
    )

    # then
    assert result.outcome == "appended"
    assert result.ticket == first.ticket
    assert Ticket.objects.get(number=first.ticket).messages.count() == 2


def test_reply_is_threaded_by_the_subject_token(classified_ticket, finanzas_mailbox):
    result = _ingest(
        build_mail(subject=f"RE: Adición de inversión [#{classified_ticket.number}]"),
        finanzas_mailbox,
    )

    assert result.outcome == "appended"
    assert result.ticket == classified_ticket.number


def test_quoted_history_is_split_off_and_kept(classified_ticket, finanzas_mailbox):
    body = (
        "Gracias, adjunto la constancia.\n\n"
        "El lun, 2 mar 2026 a las 10:00, Rosario <rosario@generafactoring.pe> escribió:\n"
        "> Estimado Jorge, le enviamos el contrato.\n"
    )

    _ingest(
        build_mail(subject=f"RE: [#{classified_ticket.number}]", body=body),
        finanzas_mailbox,
    )

    message = classified_ticket.messages.last()
    assert message.body_text == "Gracias, adjunto la constancia."
    assert "le enviamos el contrato" in message.quoted_text


def test_a_stranger_cannot_write_into_a_ticket_by_guessing_its_token(
    classified_ticket, finanzas_mailbox
):
    result = _ingest(
        build_mail(
            sender="intruso@otro.example",
            subject=f"RE: [#{classified_ticket.number}] dame los datos",
        ),
        finanzas_mailbox,
    )

    assert result.outcome == "created"
    assert result.ticket != classified_ticket.number
    assert classified_ticket.messages.count() == 1


def test_a_colleague_of_the_same_company_may_write_into_the_ticket(
    classified_ticket, finanzas_mailbox
):
    result = _ingest(
        build_mail(
            sender="ana@andinas.example", subject=f"RE: [#{classified_ticket.number}]"
        ),
        finanzas_mailbox,
    )

    assert result.outcome == "appended"


def test_reply_to_a_closed_ticket_opens_a_linked_follow_up(
    classified_ticket, rosario, finanzas_mailbox
):
    closed = actions.change_stage(
        classified_ticket,
        stage=stage(classified_ticket.pipeline, StageKind.CLOSED),
        actor=rosario,
    )

    result = _ingest(
        build_mail(subject=f"RE: [#{closed.number}] una duda más"), finanzas_mailbox
    )

    assert result.outcome == "created"
    follow_up = Ticket.objects.get(number=result.ticket)
    assert TicketLink.objects.filter(
        source=follow_up, target=closed, kind=LinkKind.FOLLOW_UP_OF
    ).exists()


def test_customer_reply_moves_a_waiting_ticket_back_to_open(
    classified_ticket, rosario, finanzas_mailbox
):
    actions.add_reply(
        classified_ticket,
        author=rosario,
        body_text="¿Nos envía la constancia?",
        new_stage=stage(classified_ticket.pipeline, StageKind.WAITING_CUSTOMER),
    )

    _ingest(build_mail(subject=f"RE: [#{classified_ticket.number}]"), finanzas_mailbox)

    classified_ticket.refresh_from_db()
    assert classified_ticket.stage.kind == StageKind.OPEN


@pytest.mark.parametrize(
    ("headers", "subject", "kind"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Solicitud", "auto_reply"),
        ({"X-Autoreply": "yes"}, "Re: Solicitud", "auto_reply"),
        ({}, "Respuesta automática: Fuera de la oficina", "auto_reply"),
        ({"Precedence": "bulk"}, "Boletín de noviembre", "bulk"),
        ({"List-Id": "<novedades.lista.example>"}, "Novedades", "bulk"),
    ],
)
def test_auto_replies_and_bulk_mail_never_open_tickets(
    finanzas_mailbox, headers, subject, kind
):
    result = _ingest(build_mail(subject=subject, headers=headers), finanzas_mailbox)

    assert result.outcome == "suppressed"
    assert not Ticket.objects.exists()
    row = InboundMessage.objects.get()
    assert row.reason.startswith(kind)


def test_an_auto_reply_to_a_ticket_is_attached_to_it_without_reopening(
    classified_ticket, finanzas_mailbox
):
    result = _ingest(
        build_mail(
            subject=f"Respuesta automática: RE: [#{classified_ticket.number}]",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        finanzas_mailbox,
    )

    assert result.outcome == "suppressed"
    assert result.ticket == classified_ticket.number
    assert classified_ticket.messages.count() == 1


def test_auto_generated_notices_do_open_tickets(org, finanzas_mailbox):
    result = _ingest(
        build_mail(
            sender="Buzón Electrónico SUNAT <notificaciones@sunat.gob.pe>",
            subject="SUNAT - Nueva notificación en su Buzón Electrónico",
            headers={"Auto-Submitted": "auto-generated"},
        ),
        finanzas_mailbox,
    )

    assert result.outcome == "created"


@override_settings(VENTANILLA_MAIL_STORM_MAX=3)
def test_a_storm_from_one_sender_stops_opening_tickets(finanzas_mailbox):
    outcomes = [
        _ingest(build_mail(subject=f"Alerta {n}"), finanzas_mailbox).outcome
        for n in range(5)
    ]

    assert outcomes == ["created", "created", "created", "suppressed", "suppressed"]
    assert InboundMessage.objects.count() == 5
    assert (
        "storm"
        in InboundMessage.objects.filter(outcome=Outcome.SUPPRESSED).first().reason
    )


def test_mail_to_an_unconnected_mailbox_is_kept_and_quarantined(operaciones_mailbox):
    result = _ingest(
        build_mail(to="operaciones@generafactoring.pe"), operaciones_mailbox
    )

    assert result.outcome == "quarantined"
    row = InboundMessage.objects.get()
    assert "operaciones@generafactoring.pe" in row.reason
    assert "no está conectado" in row.reason or "not connected" in row.reason
    assert not Ticket.objects.exists()


def test_mail_for_no_known_mailbox_is_kept_and_quarantined(db):
    result = ingest_raw(build_mail(), mailbox=None, via=Via.PIPE)

    assert result.outcome == "quarantined"
    assert InboundMessage.objects.get().reason


@pytest.mark.parametrize(
    "raw",
    [b"\x00\x01\x02 not mail at all", b"hola", b"\xff\xfe" * 100, b"From: \r\n\r\n"],
)
def test_garbage_is_quarantined_never_raised(finanzas_mailbox, raw):
    result = _ingest(raw, finanzas_mailbox)

    assert result.outcome == "quarantined"
    assert InboundMessage.objects.get().outcome == Outcome.QUARANTINED


def test_an_unexpected_failure_while_processing_quarantines_with_the_reason(
    finanzas_mailbox, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.tickets, "open_ticket_with_message", broken)

    result = _ingest(build_mail(), finanzas_mailbox)

    assert result.outcome == "quarantined"
    assert InboundMessage.objects.get().reason == "RuntimeError: disk full"
    assert not Ticket.objects.exists()
    assert not Contact.objects.exists()  # the failed transaction left nothing


def test_a_message_stored_but_not_processed_is_finished_by_the_next_attempt(
    finanzas_mailbox,
):
    # given a crash right after the raw message was stored
    raw = build_mail()
    row, created = store_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)
    assert created and row.outcome == Outcome.RECEIVED

    # when the MTA delivers it again
    result = _ingest(raw, finanzas_mailbox)

    # then it is processed once, not reported as a duplicate
    assert result.outcome == "created"
    assert Ticket.objects.count() == 1
    assert process(row.pk).outcome == "duplicate"


def test_storage_failure_propagates_so_the_sender_retries(
    finanzas_mailbox, monkeypatch
):
    def down(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(InboundMessage.objects, "create", down)

    with pytest.raises(OperationalError):
        _ingest(build_mail(), finanzas_mailbox)


@override_settings(VENTANILLA_MAX_ATTACHMENT_BYTES=1000)
def test_attachments_are_stored_and_oversized_ones_noted(
    finanzas_mailbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    raw = build_mail(
        attachments=[
            ("factura F001-23.pdf", b"%PDF-1.4 factura", "application/pdf"),
            ("video.mp4", b"x" * 5000, "video/mp4"),
        ]
    )

    result = _ingest(raw, finanzas_mailbox)

    ticket = Ticket.objects.get(number=result.ticket)
    assert [a.filename for a in ticket.attachments.all()] == ["factura_F001-23.pdf"]
    assert "video.mp4" in ticket.messages.get().body_text


def test_known_contacts_keep_their_record(org, finanzas_mailbox):
    known = create_contact(name="Jorge Salas", email="Jorge.Salas@andinas.example")

    result = _ingest(build_mail(sender="JORGE.SALAS@andinas.example"), finanzas_mailbox)

    assert Ticket.objects.get(number=result.ticket).requester == known
    assert (
        Contact.objects.filter(email__iexact="jorge.salas@andinas.example").count() == 1
    )
    assert Ticket.objects.get().messages.get().kind == MessageKind.CUSTOMER
