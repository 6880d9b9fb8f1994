"""A customer of one company never sees, answers or downloads anything of
another: every portal URL answers 404, the same as for a ticket that does
not exist (guessed numbers and attachment ids included)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from conftest import Org
from ventanilla.directory import actions as directory
from ventanilla.portal.tests.conftest import signed_in
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db

GET_URLS: list[Callable[[Ticket], str]] = [
    lambda t: reverse("portal:ticket", args=[t.number]),
    lambda t: reverse(
        "portal:attachment", args=[t.number, t.attachments.values_list("pk").get()[0]]
    ),
]
POST_URLS: list[Callable[[Ticket], str]] = [
    lambda t: reverse("portal:reply", args=[t.number]),
    lambda t: reverse("portal:follow-up", args=[t.number]),
]


@pytest.mark.parametrize("url", GET_URLS)
def test_outsider_gets_404_on_every_page_of_another_company(
    url: Callable[[Ticket], str], as_outsider: Client, andinas_ticket: Ticket
) -> None:
    assert as_outsider.get(url(andinas_ticket)).status_code == 404


@pytest.mark.parametrize("url", POST_URLS)
def test_outsider_cannot_write_to_another_company(
    url: Callable[[Ticket], str], as_outsider: Client, andinas_ticket: Ticket
) -> None:
    response = as_outsider.post(url(andinas_ticket), {"body": "Hola"})
    assert response.status_code == 404
    assert andinas_ticket.messages.count() == 1


@pytest.mark.parametrize("who", ["cliente_admin", "cliente"])
def test_andinas_users_get_404_on_textiles_tickets(
    who: str, request: pytest.FixtureRequest, textiles_ticket: Ticket
) -> None:
    client = signed_in(request.getfixturevalue(who))
    for url in GET_URLS:
        assert client.get(url(textiles_ticket)).status_code == 404
    for url in POST_URLS:
        assert client.post(url(textiles_ticket), {"body": "x"}).status_code == 404
    assert textiles_ticket.messages.count() == 1
    assert "Textiles" not in client.get(reverse("portal:home")).content.decode()


def test_plain_user_gets_404_on_a_colleagues_ticket(
    org: Org, as_cliente: Client
) -> None:
    colleague = directory.create_contact(
        name="Patricia Gómez", email="pgomez@andinas.example", company=org.acme
    )
    other = open_test_ticket(org.finanzas, requester=colleague)
    assert (
        as_cliente.get(reverse("portal:ticket", args=[other.number])).status_code == 404
    )


def test_guessed_numbers_and_attachment_ids_are_404(
    as_admin: Client, andinas_ticket: Ticket, textiles_ticket: Ticket
) -> None:
    foreign = textiles_ticket.attachments.get()
    own = andinas_ticket.attachments.get()
    missing = max(andinas_ticket.number, textiles_ticket.number) + 100
    # an attachment of another company's ticket, asked through one's own ticket
    assert (
        as_admin.get(
            reverse("portal:attachment", args=[andinas_ticket.number, foreign.pk])
        ).status_code
        == 404
    )
    assert (
        as_admin.get(
            reverse("portal:attachment", args=[andinas_ticket.number, 999999])
        ).status_code
        == 404
    )
    assert as_admin.get(reverse("portal:ticket", args=[missing])).status_code == 404
    assert (
        as_admin.get(reverse("portal:attachment", args=[missing, own.pk])).status_code
        == 404
    )


def test_search_never_finds_another_companys_tickets(
    as_admin: Client, textiles_ticket: Ticket
) -> None:
    response = as_admin.get(reverse("portal:home"), {"q": "Textiles"})
    assert response.context["page"].tickets == []


def test_deactivated_customer_is_signed_out_of_everything(
    cliente_admin: User, andinas_ticket: Ticket
) -> None:
    client = signed_in(cliente_admin)
    directory.deactivate_user(cliente_admin)
    response = client.get(reverse("portal:ticket", args=[andinas_ticket.number]))
    assert response.status_code == 302
