"""The demo's customer accounts and web form work in the portal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ventanilla.channels.webform.demo import DEMO_FORM_KEY, install_demo_web_form
from ventanilla.demo.launch import entry_points
from ventanilla.demo.organisation import DEMO_PASSWORD, build_organisation, demo_logins

pytestmark = pytest.mark.django_db


def test_demo_company_admin_signs_in_and_may_open_requests() -> None:
    # given the demo organisation
    build_organisation()
    portal_logins = [login for login in demo_logins() if "Portal" in login[2]]
    admin_email, plain_email = portal_logins[0][0], portal_logins[1][0]
    # when the company admin signs in
    client = Client()
    response = client.post(
        reverse("portal:login"), {"email": admin_email, "password": DEMO_PASSWORD}
    )
    # then the portal opens and offers a new request
    assert response.status_code == 302
    new = client.get(reverse("portal:new"))
    assert new.status_code == 200
    assert 'name="subject"' in new.content.decode()
    # and the plain user signs in too, but is sent to an admin
    plain = Client()
    plain.post(
        reverse("portal:login"), {"email": plain_email, "password": DEMO_PASSWORD}
    )
    assert 'name="subject"' not in plain.get(reverse("portal:new")).content.decode()


def test_demo_web_form_is_installed_once_and_listed() -> None:
    build_organisation()
    form = install_demo_web_form()
    assert form is not None
    assert install_demo_web_form() == form
    assert "http://127.0.0.1:8000" in form.origins
    page = Client().get(reverse("webform:form", args=[DEMO_FORM_KEY]))
    assert page.status_code == 200
    table = entry_points("http://127.0.0.1:8000/")
    assert "http://127.0.0.1:8000/portal/" in table
    assert f"http://127.0.0.1:8000/forms/{DEMO_FORM_KEY}/" in table
