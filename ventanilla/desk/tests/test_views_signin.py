"""Sign-in, lockout, sign-out and the language switch."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from ventanilla.desk import signin

pytestmark = pytest.mark.django_db

LOGIN = "/desk/sign-in/"


def _try(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_sign_in_page_is_ours_and_the_root_leads_there():
    # given an anonymous visitor
    client = Client()
    # when they open the site
    response = client.get("/", follow=True)
    # then they land on the desk's sign-in page
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert b"Ventanilla" in response.content
    assert response.templates[0].name == "desk/login.html"


def test_agent_signs_in_and_lands_on_their_queue(rosario):
    client = Client()
    response = _try(client, "rosario", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")
    assert client.get(reverse("desk:queue", args=["mine"])).status_code == 200


def test_sign_in_keeps_the_page_asked_for(rosario, classified_ticket):
    client = Client()
    url = reverse("desk:ticket", args=[classified_ticket.number])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"
    response = client.post(
        LOGIN, {"username": "rosario", "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url


def test_wrong_password_is_refused_without_saying_which_field(rosario):
    response = _try(Client(), "rosario", "nope")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]


def test_customer_cannot_sign_in_to_the_desk(cliente):
    response = _try(Client(), cliente.username, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "not_agent")


def test_repeated_failures_lock_the_username_from_that_address(rosario):
    # given five wrong passwords from one address
    client = Client()
    for _attempt in range(signin.MAX_FAILURES):
        assert _try(client, "rosario", "nope").status_code == 200
    # when the right password comes next from the same address
    response = _try(client, "rosario", PASSWORD)
    # then it is refused as locked, and nobody is signed in
    assert response.status_code == 429
    assert response.context["form"].has_error("__all__", "locked")
    assert "_auth_user_id" not in client.session
    # and the same user from another address is not locked
    assert _try(Client(), "rosario", PASSWORD, ip="10.0.0.2").status_code == 302


def test_lockout_counts_usernames_case_insensitively(rosario):
    client = Client()
    for index in range(signin.MAX_FAILURES):
        _try(client, "ROSARIO" if index % 2 else "rosario", "nope")
    assert _try(client, "Rosario", PASSWORD).status_code == 429


def test_success_clears_earlier_failures(rosario):
    client = Client()
    for _attempt in range(signin.MAX_FAILURES - 1):
        _try(client, "rosario", "nope")
    assert _try(Client(), "rosario", PASSWORD).status_code == 302
    for _attempt in range(signin.MAX_FAILURES - 1):
        _try(client, "rosario", "nope")
    assert _try(Client(), "rosario", PASSWORD).status_code == 302


@override_settings(VENTANILLA_LOGIN_MAX_FAILURES=2)
def test_lockout_threshold_is_a_setting(rosario):
    client = Client()
    _try(client, "rosario", "nope")
    _try(client, "rosario", "nope")
    assert _try(client, "rosario", PASSWORD).status_code == 429


def test_sign_out_needs_a_post_and_returns_to_sign_in(as_rosario):
    response = as_rosario.post(reverse("desk:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert as_rosario.get(reverse("desk:queue", args=["mine"])).status_code == 302


def test_language_switch_sets_english_then_spanish(as_rosario):
    mine = reverse("desk:queue", args=["mine"])
    response = as_rosario.post(
        reverse("desk:language"), {"language": "en", "next": mine}
    )
    assert response.status_code == 302
    assert response["Location"] == mine
    page = as_rosario.get(mine)
    assert page.context["LANGUAGE_CODE"] == "en"
    assert b'lang="en"' in page.content
    as_rosario.post(reverse("desk:language"), {"language": "es", "next": mine})
    assert b'lang="es"' in as_rosario.get(mine).content


def test_spanish_is_the_default_language(as_rosario):
    page = as_rosario.get(reverse("desk:queue", args=["mine"]))
    assert b'<html lang="es">' in page.content
