"""My requests, one request, replies and downloads, for customer users."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from conftest import Org
from ventanilla.directory import actions as directory
from ventanilla.directory.models import Contact, PortalVisibility
from ventanilla.pipelines.models import Category, StageKind
from ventanilla.portal.tests.conftest import PNG, note
from ventanilla.tickets import actions
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, MessageKind, Ticket, TicketLink
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = pytest.mark.django_db


def _classify(ticket: Ticket, org: Org, owner: User) -> None:
    actions.set_classification(
        ticket, actor=owner, type=org.adicion, reason=org.pagos, priority=org.alta
    )
    actions.assign(ticket, actor=owner, owner=owner, team=org.finanzas_team)


def _move(ticket: Ticket, kind: StageKind, org: Org, owner: User) -> Ticket:
    ticket.refresh_from_db()
    if ticket.type_id is None:
        _classify(ticket, org, owner)
    return actions.change_stage(ticket, stage=stage(ticket.pipeline, kind), actor=owner)


# -- the list ----------------------------------------------------------------


def test_company_admin_sees_every_ticket_of_the_company(
    as_admin: Client, andinas_ticket: Ticket, textiles_ticket: Ticket
) -> None:
    # when
    response = as_admin.get(reverse("portal:home"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Estado de cuenta de marzo" in body
    assert "Textiles del Sur" not in body
    assert "Recibido" in body  # the customer-facing name of a new ticket


def test_plain_user_sees_only_own_and_copied_tickets(
    org: Org, as_cliente: Client, andinas_ticket: Ticket
) -> None:
    # given a ticket of a colleague, and one on which the user is copied
    colleague = directory.create_contact(
        name="Patricia Gómez", email="pgomez@andinas.example", company=org.acme
    )
    hidden = open_test_ticket(org.finanzas, requester=colleague, subject="Privado")
    copied = open_test_ticket(
        org.finanzas,
        requester=colleague,
        subject="Con copia",
        cc=[andinas_ticket.requester],
    )
    # when
    body = as_cliente.get(reverse("portal:home")).content.decode()
    # then
    assert "Estado de cuenta de marzo" in body
    assert copied.subject in body
    assert hidden.subject not in body
    # ... unless the company shows every ticket to every user
    directory.set_portal_visibility(org.acme, visibility=PortalVisibility.COMPANY)
    assert hidden.subject in as_cliente.get(reverse("portal:home")).content.decode()


def test_plain_user_is_told_to_ask_an_admin(
    as_cliente: Client, cliente_admin: User
) -> None:
    body = as_cliente.get(reverse("portal:home")).content.decode()
    assert "Solo los administradores de su empresa" in body
    assert reverse("portal:new") in body
    assert "+ Nueva solicitud" not in body


def test_filters_by_state_category_type_and_subject(
    org: Org,
    as_admin: Client,
    requester: Contact,
    rosario: User,
) -> None:
    # given
    general = open_test_ticket(org.finanzas, requester=requester, subject="Factura A")
    technical = open_test_ticket(
        org.finanzas,
        requester=requester,
        subject="Error al cargar",
        category=Category.TECHNICAL,
    )
    done = open_test_ticket(org.finanzas, requester=requester, subject="Factura B")
    _move(done, StageKind.RESOLVED, org, rosario)
    url = reverse("portal:home")

    def subjects(**params: Any) -> set[str]:
        response = as_admin.get(url, params)
        assert response.status_code == 200
        return {
            t.subject
            for t in (general, technical, done)
            if t.subject in response.content.decode()
        }

    # then
    assert subjects(state="open") == {"Factura A", "Error al cargar"}
    assert subjects(state="closed") == {"Factura B"}
    assert subjects(category="technical") == {"Error al cargar"}
    assert subjects(q="factura") == {"Factura A", "Factura B"}
    assert subjects(type=org.adicion.pk) == {"Factura B"}
    assert "Resuelto" in as_admin.get(url, {"state": "closed"}).content.decode()


def test_bad_filter_values_do_not_break_the_list(
    as_admin: Client, andinas_ticket: Ticket
) -> None:
    response = as_admin.get(
        reverse("portal:home"), {"state": "x", "type": "abc", "before": "-3"}
    )
    assert response.status_code == 200


def test_list_is_paginated_by_key(
    settings: Any, org: Org, as_admin: Client, requester: Contact
) -> None:
    # given 5 tickets, 2 per page
    settings.VENTANILLA_PORTAL_PAGE_SIZE = 2
    tickets = [
        open_test_ticket(org.finanzas, requester=requester, subject=f"Pedido {n}")
        for n in range(5)
    ]
    # when
    first = as_admin.get(reverse("portal:home"))
    second = as_admin.get(reverse("portal:home"), {"before": tickets[3].number})
    # then
    assert first.context["page"].next_cursor == tickets[3].number
    assert [t.subject for t in first.context["page"].tickets] == [
        "Pedido 4",
        "Pedido 3",
    ]
    assert [t.subject for t in second.context["page"].tickets] == [
        "Pedido 2",
        "Pedido 1",
    ]
    assert f"before={tickets[3].number}" in first.content.decode()


def test_list_runs_a_bounded_number_of_queries(
    org: Org,
    as_admin: Client,
    requester: Contact,
    django_assert_num_queries: Any,
) -> None:
    # given
    for n in range(3):
        open_test_ticket(org.finanzas, requester=requester, subject=f"Uno {n}")
    with django_assert_num_queries(6):
        as_admin.get(reverse("portal:home"))
    # when there are many more tickets
    for n in range(12):
        open_test_ticket(org.finanzas, requester=requester, subject=f"Dos {n}")
    # then the count does not grow
    with django_assert_num_queries(6):
        as_admin.get(reverse("portal:home"))


# -- one ticket --------------------------------------------------------------


def test_ticket_page_shows_the_public_thread_only(
    as_cliente: Client, andinas_ticket: Ticket, rosario: User
) -> None:
    # given a reply and an internal note
    actions.add_reply(andinas_ticket, author=rosario, body_text="Adjunto su estado.")
    note(andinas_ticket, rosario, "El cliente debe dos facturas, no decirle.")
    # when
    response = as_cliente.get(reverse("portal:ticket", args=[andinas_ticket.number]))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Adjunto su estado." in body
    assert "Equipo de soporte" in body
    assert "no decirle" not in body
    assert "interno.txt" not in body
    assert "Finanzas" not in body  # pipeline and team are internal
    assert "factura.pdf" in body


def test_ticket_page_runs_a_bounded_number_of_queries(
    as_cliente: Client,
    andinas_ticket: Ticket,
    rosario: User,
    django_assert_num_queries: Any,
) -> None:
    url = reverse("portal:ticket", args=[andinas_ticket.number])
    as_cliente.get(url)
    with django_assert_num_queries(8) as first:
        as_cliente.get(url)
    for n in range(5):
        actions.add_reply(andinas_ticket, author=rosario, body_text=f"Respuesta {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        as_cliente.get(url)


def test_reply_is_added_and_a_waiting_ticket_goes_back_to_open(
    org: Org, as_cliente: Client, andinas_ticket: Ticket, rosario: User
) -> None:
    # given a ticket waiting on the customer
    _move(andinas_ticket, StageKind.WAITING_CUSTOMER, org, rosario)
    # when the customer answers with a file
    response = as_cliente.post(
        reverse("portal:reply", args=[andinas_ticket.number]),
        {
            "body": "Aquí va el comprobante.",
            "attachments": [_upload("comprobante.png", PNG, "text/html")],
        },
    )
    # then
    assert response.status_code == 302
    andinas_ticket.refresh_from_db()
    assert andinas_ticket.stage.kind == StageKind.OPEN
    message = andinas_ticket.messages.order_by("-id").first()
    assert message is not None
    assert message.kind == MessageKind.CUSTOMER
    assert message.channel == Channel.PORTAL
    assert message.author_contact == andinas_ticket.requester
    stored = message.attachments.get()
    assert stored.content_type == "image/png"  # sniffed, not the claimed type


def test_reply_on_a_resolved_ticket_reopens_it(
    org: Org, as_cliente: Client, andinas_ticket: Ticket, rosario: User
) -> None:
    _move(andinas_ticket, StageKind.RESOLVED, org, rosario)
    as_cliente.post(
        reverse("portal:reply", args=[andinas_ticket.number]),
        {"body": "Todavía no me llegó."},
    )
    andinas_ticket.refresh_from_db()
    assert andinas_ticket.stage.kind == StageKind.OPEN
    assert andinas_ticket.resolved_at is None


def test_empty_reply_is_refused_with_a_message(
    as_cliente: Client, andinas_ticket: Ticket
) -> None:
    response = as_cliente.post(
        reverse("portal:reply", args=[andinas_ticket.number]), {"body": "   "}
    )
    assert response.status_code == 422
    assert andinas_ticket.messages.count() == 1


def test_oversized_upload_is_refused(
    settings: Any, as_cliente: Client, andinas_ticket: Ticket
) -> None:
    settings.VENTANILLA_MAX_ATTACHMENT_BYTES = 10
    response = as_cliente.post(
        reverse("portal:reply", args=[andinas_ticket.number]),
        {"body": "Hola", "attachments": [_upload("grande.pdf", b"%PDF" + b"x" * 50)]},
    )
    assert response.status_code == 422
    assert "supera el límite" in response.content.decode()
    assert andinas_ticket.messages.count() == 1


def test_closed_ticket_takes_no_reply_and_offers_a_linked_request(
    org: Org,
    as_admin: Client,
    as_cliente: Client,
    andinas_ticket: Ticket,
    rosario: User,
) -> None:
    # given
    _move(andinas_ticket, StageKind.CLOSED, org, rosario)
    url = reverse("portal:ticket", args=[andinas_ticket.number])
    # a reply is refused; the plain user is told to ask an admin
    refused = as_cliente.post(
        reverse("portal:reply", args=[andinas_ticket.number]), {"body": "Hola"}
    )
    assert refused.status_code == 302
    assert andinas_ticket.messages.count() == 1
    page = as_cliente.get(url).content.decode()
    assert "no se puede reabrir" in page
    assert "maria.torres@andinas.example" in page
    denied = as_cliente.post(
        reverse("portal:follow-up", args=[andinas_ticket.number]), {"body": "Hola"}
    )
    assert denied.status_code == 302
    assert not TicketLink.objects.exists()
    # when the admin opens the linked request
    response = as_admin.post(
        reverse("portal:follow-up", args=[andinas_ticket.number]),
        {"body": "Necesito otra copia del estado de cuenta."},
    )
    # then
    link = TicketLink.objects.get()
    assert link.target == andinas_ticket
    assert response["Location"] == reverse("portal:ticket", args=[link.source.number])
    andinas_ticket.refresh_from_db()
    assert andinas_ticket.stage.kind == StageKind.CLOSED
    assert f"#{link.source.number}" in as_admin.get(url).content.decode()


def _upload(name: str, content: bytes, content_type: str = "") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, content, content_type=content_type or "application/pdf"
    )


# -- downloads -----------------------------------------------------------------


def test_download_is_an_attachment_with_nosniff(
    as_cliente: Client, andinas_ticket: Ticket
) -> None:
    item = andinas_ticket.attachments.get()
    response = as_cliente.get(
        reverse("portal:attachment", args=[andinas_ticket.number, item.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 factura"


def test_images_are_shown_inline(
    org: Org, as_admin: Client, requester: Contact
) -> None:
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        attachments=[
            NewAttachment(filename="foto.png", content=PNG, content_type="image/png")
        ],
    )
    item = ticket.attachments.get()
    response = as_admin.get(reverse("portal:attachment", args=[ticket.number, item.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_files_of_internal_notes_are_not_downloadable(
    as_admin: Client, andinas_ticket: Ticket, rosario: User
) -> None:
    note(andinas_ticket, rosario, "interno")
    hidden = andinas_ticket.attachments.get(filename="interno.txt")
    response = as_admin.get(
        reverse("portal:attachment", args=[andinas_ticket.number, hidden.pk])
    )
    assert response.status_code == 404
