"""The agent's profile: name, email, language, password."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from ventanilla.desk.models import DeskPreference

pytestmark = pytest.mark.django_db


def test_profile_is_linked_from_the_header(as_rosario):
    response = as_rosario.get(reverse("desk:queue", args=["mine"]))
    assert reverse("desk:profile").encode() in response.content


def test_profile_saves_name_email_and_language(as_rosario, rosario):
    response = as_rosario.post(
        reverse("desk:profile"),
        {
            "first_name": "Rosario ",
            "last_name": "Quispe Mamani",
            "email": "Rosario@Finanzas.Example",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    rosario.refresh_from_db()
    assert (rosario.first_name, rosario.last_name, rosario.email) == (
        "Rosario",
        "Quispe Mamani",
        "rosario@finanzas.example",
    )
    assert DeskPreference.objects.get(user=rosario).language == "en"
    # the next page speaks English
    page = as_rosario.get(reverse("desk:profile"))
    assert b"My profile" in page.content


def test_bad_profile_input_is_shown_not_saved(as_rosario, rosario):
    response = as_rosario.post(
        reverse("desk:profile"),
        {"first_name": "", "email": "no-es-correo", "language": "xx"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {
        "first_name",
        "email",
        "language",
    }
    rosario.refresh_from_db()
    assert rosario.first_name == "Rosario"


def test_language_preference_applies_at_sign_in(rosario):
    DeskPreference.objects.create(user=rosario, language="en")
    client = Client()
    response = client.post(
        reverse("desk:login"), {"username": "rosario", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_password_change_through_djangos_view(as_rosario, rosario):
    page = as_rosario.get(reverse("desk:password"))
    assert page.status_code == 200
    response = as_rosario.post(
        reverse("desk:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Otra-clave-larga-2026",
            "new_password2": "Otra-clave-larga-2026",
        },
    )
    assert response.status_code == 302
    rosario.refresh_from_db()
    assert rosario.check_password("Otra-clave-larga-2026")
    # still signed in
    assert as_rosario.get(reverse("desk:profile")).status_code == 200


def test_wrong_old_password_is_refused(as_rosario, rosario):
    response = as_rosario.post(
        reverse("desk:password"),
        {
            "old_password": "mala",
            "new_password1": "Otra-clave-larga-2026",
            "new_password2": "Otra-clave-larga-2026",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    rosario.refresh_from_db()
    assert rosario.check_password(PASSWORD)


def test_profile_pages_need_an_agent(cliente):
    client = Client()
    assert client.get(reverse("desk:profile")).status_code == 302
    client.force_login(cliente)
    assert client.get(reverse("desk:profile")).status_code == 403
    assert client.get(reverse("desk:password")).status_code == 403
