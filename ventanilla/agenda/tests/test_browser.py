"""The agenda in a real browser: the row buttons work through htmx."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from ventanilla.agenda.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1440, "height": 900},
        "locale": "es-PE",
        "timezone_id": "America/Lima",
    }


def test_done_and_reopen_swap_the_row_in_place(
    page: Page, live_server, classified_ticket, rosario, plan
):
    # given an overdue call on Rosario's agenda
    activity = plan(
        rosario, ticket=classified_ticket, hours=-2, title="Llamar por la firma"
    )
    page.goto(f"{live_server.url}/desk/sign-in/")
    page.fill("#id_username", "rosario")
    page.fill("#id_password", PASSWORD)
    page.locator("form[action$='/sign-in/'] button[type=submit]").click()
    page.get_by_role("link", name="Mi agenda").click()
    row = page.locator(f"#activity-{activity.pk}")
    expect(row).to_have_class("activity activity-overdue")
    page.evaluate("window.notReloaded = true")

    # when she ticks it
    row.get_by_role("button", name="Marcar “Llamar por la firma” como hecha").click()

    # then the row shows it done, without reloading the page
    expect(row).to_have_class("activity activity-done")
    assert page.evaluate("window.notReloaded") is True
    assert Activity.objects.get(pk=activity.pk).done_by == rosario

    # and ticking again reopens it
    row.get_by_role("button", name="Reabrir “Llamar por la firma”").click()
    expect(row).to_have_class("activity activity-overdue")
    assert Activity.objects.get(pk=activity.pk).done_at is None
