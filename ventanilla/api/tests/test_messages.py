"""Messages and attachments through the API: customers never see notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from conftest import Org
from ventanilla.api.tests.conftest import ApiFor
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import MessageKind, Ticket
from ventanilla.tickets.tests.factories import stage


def test_agent_replies_and_customer_sees_the_reply_but_not_the_note(
    api_for: ApiFor, rosario: User, cliente: User, classified_ticket: Ticket
) -> None:
    # given
    agent = api_for(rosario)
    number = classified_ticket.number
    # when
    note = agent.post(
        f"/tickets/{number}/messages", {"kind": "note", "body_text": "Revisar saldo"}
    )
    reply = agent.post(
        f"/tickets/{number}/messages",
        {"kind": "reply", "body_text": "Le enviamos su estado de cuenta."},
    )
    # then
    assert note.status_code == 201, note.content
    assert reply.status_code == 201
    assert reply.json()["kind"] == "reply"
    staff_kinds = [m["kind"] for m in agent.get(f"/tickets/{number}/messages").json()]
    assert staff_kinds == ["customer", "note", "reply"]
    customer_view = api_for(cliente).get(f"/tickets/{number}/messages").json()
    assert [m["kind"] for m in customer_view] == ["customer", "reply"]
    assert "Revisar saldo" not in str(customer_view)


def test_reply_with_stage_change_is_one_action(
    api_for: ApiFor, org: Org, rosario: User, classified_ticket: Ticket
) -> None:
    waiting = stage(org.finanzas, StageKind.WAITING_CUSTOMER)
    response = api_for(rosario).post(
        f"/tickets/{classified_ticket.number}/messages",
        {"kind": "reply", "body_text": "¿Nos confirma?", "stage": waiting.pk},
    )
    assert response.status_code == 201
    classified_ticket.refresh_from_db()
    assert classified_ticket.stage == waiting


def test_customer_writes_a_customer_message(
    api_for: ApiFor, cliente: User, ticket: Ticket
) -> None:
    api = api_for(cliente)
    response = api.post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "customer", "body_text": "Adjunto más datos."},
    )
    assert response.status_code == 201
    message = ticket.messages.get(pk=response.json()["id"])
    assert message.author_contact == cliente.customer.contact
    refused = api.post(
        f"/tickets/{ticket.number}/messages", {"kind": "note", "body_text": "x"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "kind"


def test_customer_message_on_a_closed_ticket_opens_a_follow_up(
    api_for: ApiFor, org: Org, cliente: User, classified_ticket: Ticket, rosario: User
) -> None:
    closed = stage(org.finanzas, StageKind.CLOSED)
    actions.change_stage(classified_ticket, stage=closed, actor=rosario)
    response = api_for(cliente).post(
        f"/tickets/{classified_ticket.number}/messages",
        {"kind": "customer", "body_text": "Una consulta más."},
    )
    assert response.status_code == 201
    assert response.json()["ticket"] != classified_ticket.number


def test_staff_cannot_post_as_the_customer(
    api_for: ApiFor, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).post(
        f"/tickets/{ticket.number}/messages", {"kind": "customer", "body_text": "x"}
    )
    assert response.status_code == 422


def test_reply_on_closed_ticket_is_refused(
    api_for: ApiFor, org: Org, rosario: User, classified_ticket: Ticket
) -> None:
    closed = stage(org.finanzas, StageKind.CLOSED)
    actions.change_stage(classified_ticket, stage=closed, actor=rosario)
    response = api_for(rosario).post(
        f"/tickets/{classified_ticket.number}/messages",
        {"kind": "reply", "body_text": "x"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "ticket_closed"


def test_message_list_query_count_is_bounded(
    api_for: ApiFor,
    rosario: User,
    ticket: Ticket,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(10):
        actions.add_note(ticket, author=rosario, body_text=f"nota {i}")
    api = api_for(rosario)
    api.get(f"/tickets/{ticket.number}/messages")
    with django_assert_max_num_queries(6):
        response = api.get(f"/tickets/{ticket.number}/messages")
    assert len(response.json()) == 11


# -- attachments -------------------------------------------------------------


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_staff_upload_is_a_note_the_customer_cannot_download(
    api_for: ApiFor, rosario: User, cliente: User, ticket: Ticket
) -> None:
    # given
    agent, customer = api_for(rosario), api_for(cliente)
    number = ticket.number
    # when
    response = agent.upload(
        f"/tickets/{number}/attachments",
        file=_upload("../../saldo.pdf", b"%PDF-1.4 saldo", "application/pdf"),
        body_text="Saldo interno",
    )
    # then
    assert response.status_code == 201, response.content
    item = response.json()["attachments"][0]
    assert item["filename"] == "saldo.pdf"
    assert response.json()["kind"] == "note"
    download = agent.client.get(item["download"], headers=agent.headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 saldo"
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        customer.client.get(item["download"], headers=customer.headers).status_code
        == 404
    )
    assert customer.get(f"/tickets/{number}/attachments").json() == []


def test_customer_uploads_with_their_message(
    api_for: ApiFor, rosario: User, cliente: User, ticket: Ticket
) -> None:
    customer = api_for(cliente)
    response = customer.upload(
        f"/tickets/{ticket.number}/attachments",
        file=_upload("voucher.png", b"\x89PNG fake", "image/png"),
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == MessageKind.CUSTOMER
    listed = api_for(rosario).get(f"/tickets/{ticket.number}/attachments").json()
    assert [a["filename"] for a in listed] == ["voucher.png"]
    item = customer.get(f"/tickets/{ticket.number}/attachments").json()[0]
    shown = customer.client.get(item["download"], headers=customer.headers)
    assert shown["Content-Type"] == "image/png"


@override_settings(VENTANILLA_MAX_ATTACHMENT_BYTES=10)
def test_too_large_upload_is_422(
    api_for: ApiFor, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).upload(
        f"/tickets/{ticket.number}/attachments",
        file=_upload("big.bin", b"x" * 11, "application/octet-stream"),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "attachment_too_large"
    assert not ticket.attachments.exists()


@pytest.mark.parametrize("persona", ["carmen", "outsider"])
def test_others_cannot_upload_or_download(
    request: pytest.FixtureRequest,
    api_for: ApiFor,
    rosario: User,
    ticket: Ticket,
    persona: str,
) -> None:
    owner = api_for(rosario)
    item = owner.upload(
        f"/tickets/{ticket.number}/attachments",
        file=_upload("a.txt", b"hola", "text/plain"),
    ).json()["attachments"][0]
    other = api_for(request.getfixturevalue(persona))
    assert other.client.get(item["download"], headers=other.headers).status_code == 404
    upload = other.upload(
        f"/tickets/{ticket.number}/attachments",
        file=_upload("b.txt", b"hola", "text/plain"),
    )
    assert upload.status_code == 404


def test_upload_without_file_is_422(
    api_for: ApiFor, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).upload(f"/tickets/{ticket.number}/attachments")
    assert response.status_code == 422
