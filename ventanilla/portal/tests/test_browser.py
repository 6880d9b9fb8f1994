"""The portal in a real browser: Debian's Chromium driven by Playwright.

The screenshots ``docs/screenshots/portal-*.png`` are taken here: they go
to ``VENTANILLA_SCREENSHOTS_DIR`` when it is set, e.g.

    VENTANILLA_SCREENSHOTS_DIR=docs/screenshots pytest -m browser ventanilla/portal

and to a temporary folder otherwise (a test run never rewrites the docs).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from conftest import PASSWORD, Org
from ventanilla.directory.models import Contact
from ventanilla.tickets import actions
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(
    os.environ.get("VENTANILLA_SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="shots-")
)


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 860},
        "locale": "es-PE",
        "timezone_id": "America/Lima",
    }


@pytest.fixture
def history(org: Org, requester: Contact, rosario: User) -> list[Ticket]:
    """A few earlier requests of Inversiones Andinas, one already answered."""
    made = [
        open_test_ticket(
            org.finanzas, requester=requester, subject="Estado de cuenta de marzo"
        ),
        open_test_ticket(
            org.finanzas,
            requester=requester,
            subject="Constancia de retenciones 2025",
        ),
    ]
    actions.add_reply(
        made[0],
        author=rosario,
        body_text="Estimado Jorge: le adjuntamos el estado de cuenta de marzo.",
        deliver=False,
    )
    return made


def _portal_sign_in(page: Page, url: str, email: str, shot: str = "") -> None:
    page.goto(f"{url}/portal/")
    expect(page.locator("#id_email").first).to_be_visible()
    if shot:
        page.screenshot(path=str(SHOTS / shot))
    page.locator("form[action$='/portal/sign-in/'] #id_email").fill(email)
    page.fill("#id_password", PASSWORD)
    page.locator("form[action$='/portal/sign-in/'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Mis solicitudes")


def test_admin_opens_agent_replies_customer_answers(
    page: Page,
    live_server: Any,
    history: list[Ticket],
    cliente_admin: User,
    lucia: User,
) -> None:
    url = live_server.url
    # given María, company admin, signed in to the portal
    _portal_sign_in(page, url, "maria.torres@andinas.example", "portal-login.png")
    expect(page.locator("table.requests tbody tr")).to_have_count(2)
    page.screenshot(path=str(SHOTS / "portal-list.png"), full_page=True)
    # when she opens a technical request
    page.get_by_role("link", name="+ Nueva solicitud").click()
    page.locator("label.category", has_text="Técnic").click()
    page.fill("#id_subject", "No puedo descargar la liquidación de abril")
    page.fill(
        "#id_description",
        "Al pulsar «Descargar» la página queda en blanco. Adjunto captura.",
    )
    page.screenshot(path=str(SHOTS / "portal-new.png"), full_page=True)
    page.locator("form button[type=submit]", has_text="Enviar solicitud").click()
    # then she sees it registered
    expect(page.locator(".flash")).to_contain_text("quedó registrada")
    number = page.url.rstrip("/").rsplit("/", 1)[1]

    # when an agent replies in the desk
    desk = page.context.browser.new_context()  # type: ignore[union-attr]
    agent = desk.new_page()
    agent.goto(f"{url}/desk/sign-in/")
    agent.fill("#id_username", "lucia")
    agent.fill("#id_password", PASSWORD)
    agent.locator("form[action$='/sign-in/'] button[type=submit]").click()
    agent.goto(f"{url}/desk/tickets/{number}/")
    agent.fill(
        "#reply-form textarea[name=body]",
        "Hola María: ya lo revisamos; pruebe de nuevo y nos cuenta.",
    )
    agent.locator("#reply-form button[type=submit]").click()
    expect(agent.locator(".msg-reply").first).to_contain_text("pruebe de nuevo")
    desk.close()

    # then the customer sees the reply, and answers
    page.reload()
    expect(page.locator(".msg-team")).to_contain_text("pruebe de nuevo")
    expect(page.locator(".msg-team .badge")).to_have_text("Equipo de soporte")
    page.fill("#id_body", "Ya funciona, ¡gracias!")
    page.locator("#reply button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("respuesta fue enviada")
    expect(page.locator(".msg-customer").last).to_contain_text("Ya funciona")
    page.screenshot(path=str(SHOTS / "portal-ticket.png"), full_page=True)


def test_plain_user_sees_read_only_list_and_whom_to_ask(
    page: Page,
    live_server: Any,
    history: list[Ticket],
    cliente: User,
    cliente_admin: User,
) -> None:
    _portal_sign_in(page, live_server.url, "jorge.salas@andinas.example")
    expect(page.locator("table.requests tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="+ Nueva solicitud")).to_have_count(0)
    expect(page.locator(".notice")).to_contain_text("Solo los administradores")
    page.get_by_role("link", name="¿Quiénes son?").click()
    expect(page.locator(".ask-admin")).to_contain_text("María Torres")
    page.screenshot(path=str(SHOTS / "portal-ask-admin.png"), full_page=True)
