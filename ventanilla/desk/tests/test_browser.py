"""The desk in a real browser: Debian's Chromium driven by Playwright.

Screenshots taken here go to a temporary folder; the ones in
``docs/screenshots`` are taken on the demo organisation by
``test_screenshots.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from ventanilla.directory import actions as directory
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import Channel
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1440, "height": 900},
        "locale": "es-PE",
        "timezone_id": "America/Lima",
    }


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def office(org, rosario, alonso, lucia, requester):
    """A morning's work in Finanzas and the shared mailbox."""
    andinas = org.acme
    people = [
        requester,
        directory.create_contact(
            name="Lucía Fernández", email="lfernandez@andinas.example", company=andinas
        ),
        directory.create_contact(
            name="Carlos Mendoza",
            email="cmendoza@textiles.example",
            company=org.other_company,
        ),
        directory.create_contact(
            name="SUNAT Buzón Electrónico", email="notificaciones@sunat.example"
        ),
        directory.create_contact(
            name="Patricia Gómez", email="pgomez@andinas.example", company=andinas
        ),
    ]
    finanzas = [
        (
            "Adición de inversión - fondo marzo",
            org.adicion,
            org.alta,
            rosario,
            StageKind.OPEN,
            0,
        ),
        (
            "Solicitud de rescate parcial",
            org.rescate,
            org.alta,
            alonso,
            StageKind.NEW,
            1,
        ),
        (
            "Constancia de retención 2025",
            org.finanzas_otros,
            org.media,
            rosario,
            StageKind.WAITING_CUSTOMER,
            3,
        ),
        (
            "Notificación SUNAT: valores pendientes",
            org.finanzas_otros,
            org.media,
            alonso,
            StageKind.OPEN,
            3,
        ),
        (
            "Factura proveedor F001-2231",
            org.finanzas_otros,
            org.baja,
            rosario,
            StageKind.NEW,
            4,
        ),
        (
            "Comprobante de pago transferencia BCP",
            org.finanzas_otros,
            org.baja,
            None,
            StageKind.NEW,
            1,
        ),
        (
            "Estado de cuenta marzo",
            org.rescate,
            org.media,
            rosario,
            StageKind.WAITING_THIRD_PARTY,
            2,
        ),
        (
            "Consulta sobre rentabilidad del fondo",
            org.adicion,
            org.alta,
            None,
            StageKind.NEW,
            2,
        ),
        (
            "Actualización de cuenta bancaria",
            org.finanzas_otros,
            org.baja,
            alonso,
            StageKind.RESOLVED,
            0,
        ),
    ]
    base = timezone.now() - dt.timedelta(days=6)
    made = []
    for index, (subject, kind, priority, owner, stage_kind, who) in enumerate(finanzas):
        with time_machine.travel(base + dt.timedelta(hours=7 * index), tick=False):
            ticket = open_test_ticket(
                org.finanzas,
                requester=people[who],
                subject=subject,
                body_text=f"Buenos días,\n\n{subject}. Quedo atento.\n\nSaludos.",
                type=kind,
                reason=org.pagos,
                priority=priority,
                team=org.finanzas_team,
                owner=owner,
            )
            if owner and stage_kind != StageKind.NEW:
                actions.change_stage(
                    ticket, stage=stage(org.finanzas, stage_kind), actor=owner
                )
        made.append(ticket)
    for index, subject in enumerate(
        [
            "Consulta general sobre factoring",
            "RE: Documentos para afiliación",
            "Cambio de contacto de facturación",
        ]
    ):
        with time_machine.travel(base + dt.timedelta(hours=5 * index + 30), tick=False):
            open_test_ticket(
                org.servicio,
                requester=people[index + 1],
                subject=subject,
                channel=Channel.EMAIL,
            )
    return made


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/desk/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form[action$='/sign-in/'] button[type=submit]").click()
    expect(page.locator("aside.sidebar")).to_be_visible()


def test_rosario_replies_and_moves_to_customer_action_in_one_submit(
    page: Page, live_server, office, shots
):
    # given the sign-in page
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator("#id_username")).to_be_visible()
    page.screenshot(path=str(shots / "desk-login.png"))
    # when Rosario signs in and opens the Finanzas queue
    _sign_in(page, live_server.url, "rosario")
    page.locator("nav#nav").get_by_role("link", name=re.compile("^Finanzas")).click()
    expect(page.locator("h1")).to_have_text("Finanzas")
    rows = page.locator("table.tickets tbody tr")
    expect(rows).to_have_count(8)  # the resolved one is not active
    page.screenshot(path=str(shots / "desk-queue.png"), full_page=True)
    # and opens the oldest high-priority ticket
    page.get_by_role("link", name="Adición de inversión - fondo marzo").click()
    expect(page.locator(".ticket-title h1")).to_have_text(
        "Adición de inversión - fondo marzo"
    )
    # and replies, choosing "Acción del cliente" in the same form
    page.fill(
        "#reply-form textarea[name=body]",
        "Estimado Jorge: adjuntamos el contrato de adición para su firma.",
    )
    page.select_option("#reply-form select[name=stage]", label="Acción del cliente")
    page.screenshot(path=str(shots / "desk-ticket.png"), full_page=True)
    page.locator("#reply-form button[type=submit]").click()
    # then the page shows the new stage and the reply
    expect(page.locator(".ticket-head .chips .stage")).to_have_text(
        "Acción del cliente"
    )
    expect(page.locator(".msg-reply").first).to_contain_text("adjuntamos el contrato")
    # and the Modifications tab has the audit entry
    page.locator(".tabs a[href='?tab=history']").click()
    entry = page.locator("table.trail tr", has_text="Acción del cliente")
    expect(entry).to_contain_text("Rosario Quispe")
    expect(entry.locator(".old")).to_have_text("En proceso")


def test_the_filter_panel_arrives_when_opened_and_filters_the_queue(
    page: Page, live_server, office, org
):
    _sign_in(page, live_server.url, "rosario")
    page.goto(f"{live_server.url}/desk/pipelines/{org.finanzas.slug}/")
    rows = page.locator("table.tickets tbody tr")
    expect(rows).to_have_count(8)
    expect(page.locator("#queue-filters")).to_have_count(0)
    # "/" opens the panel; its fields arrive and the first one has the focus
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator("#queue-filters")).to_be_visible()
    expect(page.locator("#queue-filters #id_q")).to_be_focused()
    page.select_option("#queue-filters select[name=priority]", label="Alta")
    page.locator("#queue-filters button[type=submit]").click()
    expect(page.locator("details.filters .count")).to_have_text("1")
    expect(rows.first).to_contain_text("Alta")
    for row in rows.all():
        expect(row.locator(".prio")).to_have_text("Alta")


def test_the_sidebar_counts_arrive_after_the_page(
    page: Page, live_server, office, settings
):
    settings.VENTANILLA_DESK_NAV_CACHE_SECONDS = 60
    _sign_in(page, live_server.url, "rosario")
    # the first page did not wait for the counts; the sidebar fetched them
    finanzas = page.locator("nav#nav .nav-pipeline a", has_text="Finanzas")
    expect(finanzas.locator(".count")).to_have_text("8")
    expect(page.locator("nav#nav")).not_to_contain_text("Cargando")


def test_board_and_phone_layout(page: Page, live_server, office, shots, org):
    _sign_in(page, live_server.url, "rosario")
    page.goto(f"{live_server.url}/desk/pipelines/{org.finanzas.slug}/board/")
    expect(page.locator(".column")).to_have_count(5)
    page.screenshot(path=str(shots / "desk-kanban.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/desk/queues/mine/")
    expect(page.locator(".menu-toggle")).to_be_visible()
    expect(page.locator("nav#nav")).to_be_hidden()
    page.screenshot(path=str(shots / "desk-queue-phone.png"), full_page=True)
    page.locator(".menu-toggle").click()
    expect(page.locator("nav#nav")).to_be_visible()


def test_lucia_classifies_a_triage_ticket_in_one_click(
    page: Page, live_server, office, shots, org
):
    _sign_in(page, live_server.url, "lucia")
    page.locator("nav#nav").get_by_role(
        "link", name=re.compile("^Clasificación")
    ).click()
    rows = page.locator("form.triage-row")
    expect(rows).to_have_count(3)
    page.screenshot(path=str(shots / "desk-triage.png"), full_page=True)
    row = rows.first
    row.locator("select[name$='-type']").select_option(
        label="Finanzas · Inversionista - Adición"
    )
    row.locator("select[name$='-reason']").select_option(label="Pagos")
    row.locator("select[name$='-priority']").select_option(label="Alta")
    row.locator("select[name$='-owner']").select_option(label="Rosario Quispe")
    row.get_by_role("button").click()
    done = page.locator(".triage-done")
    expect(done).to_contain_text("Finanzas")
    expect(done).to_contain_text("Rosario Quispe")
    expect(page.locator("form.triage-row")).to_have_count(2)


def test_second_agent_sees_the_collision_notice(
    browser: Browser, live_server, office, browser_context_args
):
    ticket = office[0]
    url = f"{live_server.url}/desk/tickets/{ticket.number}/"
    first = browser.new_context(**browser_context_args).new_page()
    second = browser.new_context(**browser_context_args).new_page()
    _sign_in(first, live_server.url, "rosario")
    _sign_in(second, live_server.url, "alonso")
    first.goto(url)
    second.goto(url)
    # Alonso sees Rosario at once; Rosario sees Alonso at her next poll
    expect(second.locator("[data-collision]")).to_contain_text("Rosario Quispe")
    expect(first.locator("[data-collision]")).to_contain_text(
        "Alonso Vargas", timeout=15_000
    )
    # and a reply Alonso sends makes Rosario's page say it changed
    second.locator(".note-box summary").click()
    second.fill("#note-form textarea[name=body]", "Lo veo yo.")
    second.locator("#note-form button[type=submit]").click()
    expect(second.locator(".msg-note").first).to_contain_text("Lo veo yo.")
    expect(first.locator(".notice-changed")).to_be_visible(timeout=15_000)
    first.context.close()
    second.context.close()


def test_a_stale_reply_is_refused_next_to_the_form(
    page: Page, live_server, office, org, alonso
):
    ticket = office[0]
    _sign_in(page, live_server.url, "rosario")
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    # another agent changes the ticket while Rosario writes
    actions.set_classification(ticket, actor=alonso, priority=org.baja)
    page.fill(
        "#reply-form textarea[name=body]", "Respuesta escrita sobre una versión vieja"
    )
    page.locator("#reply-form button[type=submit]").click()
    refusal = page.locator("#reply-form .refusal")
    expect(refusal).to_contain_text(f"#{ticket.number}")
    # her text is still there, and nothing was sent
    expect(page.locator("#reply-form textarea[name=body]")).to_have_value(
        "Respuesta escrita sobre una versión vieja"
    )
    assert not ticket.messages.filter(kind="reply").exists()


def test_phone_ticket_with_the_requester_lookup(
    page: Page, live_server, office, org, requester
):
    _sign_in(page, live_server.url, "rosario")
    page.get_by_role("link", name="+ Nuevo ticket").click()
    page.fill("#contact-search", "jorge")
    page.locator(f"[data-pick-contact='{requester.pk}']").click()
    expect(page.locator("[name=requester_email]")).to_have_value(requester.email)
    page.fill("[name=subject]", "Llamada: confirma transferencia")
    page.fill("[name=body]", "Llamó para confirmar que transfirió el abono.")
    page.select_option("[name=pipeline]", label="Finanzas")
    page.locator("form.new-ticket-form button[type=submit]").click()
    expect(page.locator(".ticket-title h1")).to_have_text(
        "Llamada: confirma transferencia"
    )
    expect(page.locator(".facts")).to_contain_text("Jorge Salas")


def test_search_box_finds_unaccented_plural_words_and_opens_the_ticket(
    page: Page, live_server, office, shots
):
    # given Rosario at her desk
    _sign_in(page, live_server.url, "rosario")
    # when she types an unaccented plural into the header's search box
    box = page.get_by_role("searchbox", name="Buscar tickets")
    box.fill("notificaciones valor")
    box.press("Enter")
    # then the results page lists the accented singular ticket, only hers
    expect(page.locator("h1")).to_contain_text("notificaciones valor")
    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Notificación SUNAT: valores pendientes")
    expect(page.locator("#search-results td.due").first).to_be_visible()
    page.screenshot(path=str(shots / "desk-search.png"), full_page=True)
    # and a click opens the ticket
    rows.first.get_by_role("link", name=re.compile("Notificación SUNAT")).click()
    expect(page.locator(".ticket-title h1")).to_contain_text("Notificación SUNAT")
    # a word from the Servicio pipeline, which she cannot see, finds nothing
    box = page.get_by_role("searchbox", name="Buscar tickets")
    box.fill("afiliación")
    box.press("Enter")
    expect(page.locator("p.empty")).to_be_visible()
