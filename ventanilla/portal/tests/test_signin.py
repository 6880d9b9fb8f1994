"""Signing in to the portal: password, one-time link, reset, and who is
sent where."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/portal/sign-in/link/\S+/\S+/")


def test_customer_signs_in_with_email_and_password(cliente_admin: User) -> None:
    # given
    client = Client()
    # when
    response = client.post(
        reverse("portal:login"),
        {"email": "MARIA.TORRES@andinas.example", "password": PASSWORD},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_wrong_password_is_refused_and_repeated_failures_lock(
    cliente_admin: User,
) -> None:
    client = Client()
    data = {"email": "maria.torres@andinas.example", "password": "mala"}
    first = client.post(reverse("portal:login"), data)
    assert first.status_code == 422
    assert "no es correcto" in first.content.decode()
    for _attempt in range(5):
        client.post(reverse("portal:login"), data)
    # even the right password is refused while locked
    locked = client.post(reverse("portal:login"), {**data, "password": PASSWORD})
    assert locked.status_code == 429


def test_staff_cannot_sign_in_to_the_portal(rosario: User) -> None:
    response = Client().post(
        reverse("portal:login"),
        {"email": "rosario@generafactoring.pe", "password": PASSWORD},
    )
    assert response.status_code == 422


def test_anonymous_visitor_is_sent_to_the_portal_sign_in(db: None) -> None:
    response = Client().get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_signed_in_staff_is_sent_to_the_desk(rosario: User) -> None:
    client = Client()
    client.force_login(rosario)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")


def test_the_desk_refuses_customers(cliente_admin: User) -> None:
    client = Client()
    client.force_login(cliente_admin)
    assert client.get(reverse("desk:home"), follow=True).status_code == 403


def _link(body: object) -> str:
    found = LINK.search(str(body))
    assert found is not None
    return found.group(0)


def _request_link(client: Client, email: str) -> Any:
    return client.post(reverse("portal:request-link"), {"email": email})


def test_sign_in_link_works_once(cliente: User) -> None:
    # given a link mailed to the customer
    client = Client()
    response = _request_link(client, "jorge.salas@andinas.example")
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    url = _link(mail.outbox[0].body)
    path = url[url.index("/portal/") :]
    # when opened (GET only asks to confirm) and confirmed
    assert client.get(path).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 302
    signed = client.post(path)
    # then the customer is in, and the same link is spent
    assert signed.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert Client().post(path).status_code == 410


def test_sign_in_link_expires(settings: Any, cliente: User) -> None:
    settings.VENTANILLA_PORTAL_LINK_MINUTES = 15
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _request_link(Client(), "jorge.salas@andinas.example")
        url = _link(mail.outbox[0].body)
        path = url[url.index("/portal/") :]
        clock.shift(16 * 60)
        assert Client().post(path).status_code == 410


def test_link_request_does_not_reveal_unknown_addresses(
    cliente: User, rosario: User
) -> None:
    known = _request_link(Client(), "jorge.salas@andinas.example")
    unknown = _request_link(Client(), "nadie@example.test")
    staff = _request_link(Client(), "rosario@generafactoring.pe")
    assert known.status_code == unknown.status_code == staff.status_code == 200
    assert len(mail.outbox) == 1  # only the portal account got a link


def test_tampered_link_is_refused(cliente: User) -> None:
    _request_link(Client(), "jorge.salas@andinas.example")
    url = _link(mail.outbox[0].body)
    path = url[url.index("/portal/") :]
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    assert Client().post(tampered).status_code == 410
    assert Client().post("/portal/sign-in/link/xx/yy/").status_code == 410


def test_link_requests_are_throttled(cliente: User) -> None:
    client = Client()
    statuses = [
        _request_link(client, "jorge.salas@andinas.example").status_code
        for _n in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[-1] == 429
    assert len(mail.outbox) == 5


def test_password_reset_for_a_portal_account(cliente: User) -> None:
    # given
    client = Client()
    # when
    response = client.post(
        reverse("portal:password-reset"), {"email": "jorge.salas@andinas.example"}
    )
    # then
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://\S+/portal/password/reset/\S+/\S+/", str(mail.outbox[0].body)
    )
    assert link is not None
    path = link.group(0)[link.group(0).index("/portal/") :]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "otra-clave-larga-9", "new_password2": "otra-clave-larga-9"},
    )
    assert done.status_code == 302
    signed = Client().post(
        reverse("portal:login"),
        {"email": "jorge.salas@andinas.example", "password": "otra-clave-larga-9"},
    )
    assert signed.status_code == 302


def test_password_reset_sends_nothing_to_staff(rosario: User) -> None:
    Client().post(
        reverse("portal:password-reset"), {"email": "rosario@generafactoring.pe"}
    )
    assert mail.outbox == []


def test_sign_out(as_admin: Client) -> None:
    response = as_admin.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert as_admin.get(reverse("portal:home")).status_code == 302
