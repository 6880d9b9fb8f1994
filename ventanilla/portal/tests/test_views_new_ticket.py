"""Opening requests in the portal: company admins only (R-POR-2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Org
from ventanilla.pipelines.models import Category
from ventanilla.tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def _post(client: Client, **extra: Any) -> Any:
    data = {
        "category": "technical",
        "subject": "No carga el reporte de liquidaciones",
        "description": "Desde ayer el reporte queda en blanco.",
        **extra,
    }
    return client.post(reverse("portal:new"), data)


def test_company_admin_opens_a_request_in_the_triage_pipeline(
    org: Org, as_admin: Client
) -> None:
    # when
    response = _post(
        as_admin,
        attachments=[SimpleUploadedFile("../../captura.png", b"\x89PNG\r\n\x1a\nxx")],
    )
    # then
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:ticket", args=[ticket.number])
    assert ticket.pipeline == org.servicio
    assert ticket.channel == Channel.PORTAL
    assert ticket.category == Category.TECHNICAL
    assert ticket.requester is not None
    assert ticket.requester.email == "maria.torres@andinas.example"
    assert ticket.company == org.acme
    message = ticket.messages.get()
    assert message.body_text == "Desde ayer el reporte queda en blanco."
    stored = ticket.attachments.get()
    assert stored.filename == "captura.png"
    assert "/" not in stored.file.name.removeprefix("attachments/").split("/", 2)[-1]


def test_the_form_explains_both_categories(as_admin: Client) -> None:
    body = as_admin.get(reverse("portal:new")).content.decode()
    assert "General" in body
    assert "Técnica" in body or "Técnico" in body
    assert "no se deben a un error del sistema" in body
    assert "no funciona como se esperaba" in body


def test_configured_pipeline_is_used(settings: Any, org: Org, as_admin: Client) -> None:
    settings.VENTANILLA_PORTAL_PIPELINE = org.cobranzas.slug
    _post(as_admin)
    assert Ticket.objects.get().pipeline == org.cobranzas


def test_missing_fields_are_shown_not_a_500(as_admin: Client) -> None:
    response = as_admin.post(reverse("portal:new"), {"category": "nope"})
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_plain_user_cannot_open_and_is_told_whom_to_ask(
    as_cliente: Client, cliente_admin: Any
) -> None:
    page = as_cliente.get(reverse("portal:new"))
    assert page.status_code == 200
    assert "María Torres" in page.content.decode()
    assert "maria.torres@andinas.example" in page.content.decode()
    refused = _post(as_cliente)
    assert refused.status_code == 403
    assert not Ticket.objects.exists()


def test_routing_rules_apply_to_portal_requests(org: Org, as_admin: Client) -> None:
    from ventanilla.routing.actions import create_rule

    create_rule(
        name="Reportes del portal a Cobranzas",
        conditions={"channels": ["portal"], "keywords": ["liquidaciones"]},
        actions={"pipeline": org.cobranzas.pk, "priority": org.media.pk},
    )

    assert _post(as_admin).status_code == 302

    ticket = Ticket.objects.get()
    assert (ticket.pipeline, ticket.priority) == (org.cobranzas, org.media)
    assert ticket.channel == Channel.PORTAL
