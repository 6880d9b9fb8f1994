from __future__ import annotations

import pytest
from django.test import override_settings

from conftest import Org
from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import (
    ActorType,
    Channel,
    Direction,
    EventKind,
    MessageKind,
    Ticket,
)
from ventanilla.tickets.tests.factories import open_test_ticket, stage


def test_open_ticket_starts_new_with_first_message_and_created_event(org, requester):
    # when
    ticket = open_test_ticket(
        org.finanzas, requester=requester, subject="Estado de cuenta"
    )

    # then
    assert ticket.stage.kind == StageKind.NEW
    assert ticket.stage.name == "Nuevo"
    assert ticket.company == org.acme  # taken from the requester
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert message.direction == Direction.INBOUND
    assert message.author_contact == requester
    assert "<p>Buenos días" in message.body_html
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor_type == ActorType.CONTACT
    assert event.actor_label == str(requester)
    assert event.new == "Estado de cuenta"
    assert event.data["pipeline"] == "Finanzas"
    assert event.data["message_id"] == message.pk


def test_ticket_numbers_are_sequential_and_never_reused(org, requester):
    # given
    first = open_test_ticket(org.finanzas, requester=requester)
    second = open_test_ticket(org.cobranzas, requester=requester)
    assert second.number == first.number + 1
    assert first.number == 10001

    # when the newest ticket is deleted (e.g. by an administrator)
    actions.delete_ticket(second, actor=Actor.system())
    third = open_test_ticket(org.finanzas, requester=requester)

    # then its number is not handed out again
    assert third.number == second.number + 1


@override_settings(VENTANILLA_FIRST_TICKET_NUMBER=500)
def test_first_ticket_number_is_configurable(org, requester):
    assert open_test_ticket(org.finanzas, requester=requester).number == 500


def test_a_first_message_needs_an_author(org):
    with pytest.raises(ActionRefused) as refused:
        open_test_ticket(org.finanzas, requester=None)

    assert refused.value.code == "message_without_author"


def test_open_ticket_past_new_requires_classification(org, requester):
    with pytest.raises(ActionRefused) as refused:
        open_test_ticket(
            org.finanzas, requester=requester, stage=stage(org.finanzas, StageKind.OPEN)
        )

    assert refused.value.code == "required_fields_missing"
    assert not Ticket.objects.exists()


def test_manual_ticket_can_open_directly_in_progress_when_classified(
    org, requester, alonso
):
    # given an agent taking a phone call
    ticket = actions.open_ticket(
        subject="Llamada: confirmar fecha de pago",
        pipeline=org.finanzas,
        channel=Channel.PHONE,
        actor=alonso,
        requester=requester,
        body_text="El cliente llama para confirmar la fecha de pago de la factura F001-889.",
        stage=stage(org.finanzas, StageKind.OPEN),
        type=org.finanzas_otros,
        reason=org.pagos,
        priority=org.baja,
        team=org.finanzas_team,
        owner=alonso,
    )

    # then the request is recorded as the customer's, taken down by the agent
    message = ticket.messages.get()
    assert message.author_contact == requester
    assert message.author_user == alonso
    assert ticket.events.get().actor_user == alonso


def test_open_ticket_refuses_a_type_of_another_pipeline(org, requester):
    with pytest.raises(ActionRefused) as refused:
        open_test_ticket(org.finanzas, requester=requester, type=org.liquidaciones)

    assert refused.value.code == "type_not_in_pipeline"


def test_open_ticket_refuses_an_owner_who_is_not_an_agent(org, requester, cliente):
    with pytest.raises(ActionRefused) as refused:
        open_test_ticket(org.finanzas, requester=requester, owner=cliente)

    assert refused.value.code == "owner_not_agent"


def test_open_ticket_sanitises_html_bodies(org, requester):
    ticket = actions.open_ticket(
        subject="Hola",
        pipeline=org.finanzas,
        channel=Channel.EMAIL,
        actor=Actor.for_contact(requester),
        requester=requester,
        body_text="Hola",
        body_html='<p onclick="x()">Hola<script>alert(1)</script></p>',
    )

    html = ticket.messages.get().body_html
    assert "script" not in html
    assert "onclick" not in html
    assert "Hola" in html


def test_attachments_are_stored_with_size_type_and_hash(
    org, requester, tmp_path, settings
):
    # given
    settings.MEDIA_ROOT = tmp_path

    # when
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        attachments=[
            NewAttachment(
                filename="../../etc/factura F001.pdf", content=b"%PDF-1.4 data"
            ),
            NewAttachment(filename="Guía", url="https://ayuda.example/guia"),
        ],
    )

    # then
    pdf, link = ticket.attachments.order_by("id")
    assert pdf.filename == "factura_F001.pdf"
    assert pdf.size == 13
    assert pdf.content_type == "application/pdf"
    assert len(pdf.sha256) == 64
    assert pdf.message == ticket.messages.get()
    assert (tmp_path / pdf.file.name).read_bytes() == b"%PDF-1.4 data"
    assert str(tmp_path) in pdf.file.path
    assert link.url == "https://ayuda.example/guia"
    assert not link.file
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.ATTACHMENT_ADDED,
        EventKind.ATTACHMENT_ADDED,
    ]


@override_settings(VENTANILLA_MAX_ATTACHMENT_BYTES=10)
def test_attachments_over_the_limit_refuse_the_whole_write(org, requester):
    with pytest.raises(ActionRefused) as refused:
        open_test_ticket(
            org.finanzas,
            requester=requester,
            attachments=[NewAttachment(filename="grande.bin", content=b"x" * 11)],
        )

    assert refused.value.code == "attachment_too_large"
    assert not Ticket.objects.exists()


def test_open_ticket_keeps_cc_without_the_requester(org: Org, requester):
    from ventanilla.directory.actions import create_contact

    colleague = create_contact(
        name="Ana Díaz", email="ana@andinas.example", company=org.acme
    )

    ticket = open_test_ticket(
        org.finanzas, requester=requester, cc=[colleague, requester]
    )

    assert list(ticket.cc.all()) == [colleague]


def test_long_attachment_names_are_shortened_to_fit_the_file_system():
    from ventanilla.tickets.attachments import MAX_NAME_BYTES, safe_filename

    cjk = "報價單" * 60 + ".pdf"
    accented = "Cesión_de_facturas_año_" * 20 + ".xlsx"

    for name in (cjk, accented, "a" * 400):
        safe = safe_filename(name)
        assert len(safe.encode()) <= MAX_NAME_BYTES
    assert safe_filename(cjk).endswith(".pdf")
    assert safe_filename(accented).endswith(".xlsx")
    assert safe_filename("../../../etc/passwd") == "passwd"
    assert safe_filename("..") == "adjunto"
