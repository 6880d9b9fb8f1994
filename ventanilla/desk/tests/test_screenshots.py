"""Screenshots of the desk on the demo organisation, for docs/screenshots.

Skipped unless ``VENTANILLA_SCREENSHOTS_DIR`` names the folder to write:
    VENTANILLA_SCREENSHOTS_DIR=docs/screenshots pytest -m browser \\
        ventanilla/desk/tests/test_screenshots.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ventanilla.demo.organisation import DEMO_PASSWORD, build_organisation
from ventanilla.demo.tickets import generate_tickets
from ventanilla.sla.actions import recompute_all
from ventanilla.sla.demo import install_demo_sla

FOLDER = os.environ.get("VENTANILLA_SCREENSHOTS_DIR", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not FOLDER, reason="VENTANILLA_SCREENSHOTS_DIR is not set"),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1440, "height": 900},
        "locale": "es-PE",
        "timezone_id": "America/Lima",
    }


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_organisation()
    install_demo_sla()
    generate_tickets(count=160, days=30)
    recompute_all()


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/desk/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form[action$='/sign-in/'] button[type=submit]").click()
    expect(page.locator("aside.sidebar")).to_be_visible()


def test_screenshots_of_the_main_pages(page: Page, live_server, demo):
    folder = Path(FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/desk/sign-in/")
    page.screenshot(path=str(folder / "desk-login.png"))

    _sign_in(page, live_server.url, "rosario")
    page.locator("nav#nav").get_by_role("link", name=re.compile("^Finanzas")).click()
    expect(page.locator("table.tickets")).to_be_visible()
    page.screenshot(path=str(folder / "desk-queue.png"))
    page.locator("details.filters summary").click()
    expect(page.locator("#queue-filters")).to_be_visible()
    page.screenshot(path=str(folder / "desk-queue-filters.png"))

    page.get_by_role("searchbox", name="Buscar tickets").fill("facturas")
    page.get_by_role("searchbox", name="Buscar tickets").press("Enter")
    expect(page.locator("h1")).to_contain_text("facturas")
    page.screenshot(path=str(folder / "desk-search.png"))

    page.goto(f"{live_server.url}/desk/queues/breaching/")
    expect(page.locator("table.tickets")).to_be_visible()
    page.screenshot(path=str(folder / "desk-breaching.png"))

    page.goto(f"{live_server.url}/desk/profile/")
    expect(page.locator("form.profile-form")).to_be_visible()
    page.screenshot(path=str(folder / "desk-profile.png"))

    page.goto(f"{live_server.url}/desk/pipelines/finanzas/")
    page.get_by_role("link", name="Tablero").click()
    expect(page.locator(".board")).to_be_visible()
    page.screenshot(path=str(folder / "desk-kanban.png"))

    page.goto(f"{live_server.url}/desk/pipelines/finanzas/?type=")
    with_playbook = page.locator("table.tickets td.subject a").first
    with_playbook.click()
    expect(page.locator(".ticket-head")).to_be_visible()
    page.screenshot(path=str(folder / "desk-ticket.png"))
    page.locator(".tabs a[href='?tab=history']").click()
    expect(page.locator("table.trail")).to_be_visible()
    page.screenshot(path=str(folder / "desk-ticket-history.png"))
    page.locator(".tabs a[href='?tab=timeline']").click()
    expect(page.locator("ol.timeline")).to_be_visible()
    page.screenshot(path=str(folder / "desk-ticket-timeline.png"))

    page.goto(f"{live_server.url}/desk/tickets/new/")
    page.fill("#contact-search", "salas")
    expect(page.locator("[data-pick-contact]").first).to_be_visible()
    page.screenshot(path=str(folder / "desk-new-ticket.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/desk/queues/mine/")
    page.screenshot(path=str(folder / "desk-queue-phone.png"))

    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("form[action$='/sign-out/'] button").click()
    _sign_in(page, live_server.url, "lucia")
    page.goto(f"{live_server.url}/desk/triage/")
    page.screenshot(path=str(folder / "desk-triage.png"))


def test_screenshots_of_the_agenda_and_a_tickets_activities(
    page: Page, live_server, demo
):
    folder = Path(FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server.url, "rosario")
    page.locator("nav#nav").get_by_role("link", name="Mi agenda").click()
    expect(page.locator(".agenda-layout")).to_be_visible()
    page.screenshot(path=str(folder / "desk-agenda.png"))

    page.locator(".activity-meta a").first.click()
    expect(page.locator(".activities")).to_be_visible()
    form = page.locator("#activity-form")
    form.get_by_label("Tipo").select_option("meeting")
    form.get_by_label("Título").fill("Revisar el contrato con el cliente")
    form.get_by_role("button", name="Planificar").click()
    expect(page.locator(".activities li[id^=activity-]")).to_have_count(2)
    page.screenshot(path=str(folder / "desk-activities.png"))
