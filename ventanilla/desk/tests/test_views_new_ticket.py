"""Manual tickets (R-CAP-7) and the requester lookup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.directory.models import Contact
from ventanilla.tickets.models import Channel, MessageKind, Ticket

pytestmark = pytest.mark.django_db

URL = "/desk/tickets/new/"


def _data(org, **extra):
    return {
        "channel": Channel.PHONE,
        "scope": "external",
        "subject": "Consulta por teléfono",
        "body": "Llamó para pedir su estado de cuenta.",
        "pipeline": org.finanzas.pk,
        **extra,
    }


def test_lookup_finds_contacts_by_name_or_email(as_rosario, requester):
    by_name = as_rosario.get(reverse("desk:contacts"), {"q": "jorge"})
    by_mail = as_rosario.get(reverse("desk:contacts"), {"q": "@andinas"})
    for response in (by_name, by_mail):
        assert f'data-pick-contact="{requester.pk}"'.encode() in response.content
    assert (
        b"data-pick-contact"
        not in as_rosario.get(reverse("desk:contacts"), {"q": "x"}).content
    )


def test_phone_ticket_for_a_known_contact(as_rosario, org, requester, rosario):
    response = as_rosario.post(
        URL, _data(org, contact=requester.pk, priority=org.alta.pk, owner=rosario.pk)
    )
    ticket = Ticket.objects.get(subject="Consulta por teléfono")
    assert response["Location"] == reverse("desk:ticket", args=[ticket.number])
    assert (ticket.requester, ticket.company, ticket.channel) == (
        requester,
        org.acme,
        Channel.PHONE,
    )
    assert (ticket.team, ticket.owner, ticket.priority) == (
        org.finanzas_team,
        rosario,
        org.alta,
    )
    message = ticket.messages.get()
    assert (message.kind, message.author_contact, message.author_user) == (
        MessageKind.CUSTOMER,
        requester,
        rosario,
    )


def test_a_new_address_becomes_a_contact_of_its_company(as_rosario, org):
    as_rosario.post(
        URL,
        _data(
            org,
            requester_email="Nueva.Persona@andinas.example",
            requester_name="Nueva Persona",
        ),
    )
    contact = Contact.objects.get(email="nueva.persona@andinas.example")
    assert (contact.name, contact.company) == ("Nueva Persona", org.acme)
    assert Ticket.objects.get(requester=contact).company == org.acme


def test_a_walk_in_with_only_a_name(as_rosario, org):
    as_rosario.post(
        URL, _data(org, channel=Channel.WALK_IN, requester_name="Señora Ramírez")
    )
    ticket = Ticket.objects.get(requester__name="Señora Ramírez")
    assert ticket.channel == Channel.WALK_IN


def test_requester_is_required(as_rosario, org):
    response = as_rosario.post(URL, _data(org))
    assert response.status_code == 422
    assert response.context["form"].errors["requester_name"]
    assert not Ticket.objects.exists()


def test_type_must_belong_to_the_pipeline(as_rosario, org, requester):
    response = as_rosario.post(
        URL, _data(org, contact=requester.pk, type=org.liquidaciones.pk)
    )
    assert response.status_code == 422


def test_only_visible_pipelines_are_offered(as_rosario, org, requester):
    response = as_rosario.post(
        URL, _data(org, contact=requester.pk, pipeline=org.cobranzas.pk)
    )
    assert response.status_code == 422
    assert "pipeline" in response.context["form"].errors
