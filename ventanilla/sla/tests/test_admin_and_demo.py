"""Calendars and policies are edited in the admin through sla.actions; the
demo gets a calendar and a policy per priority."""

from __future__ import annotations

import json

from ventanilla.sla.demo import install_demo_sla
from ventanilla.sla.models import BusinessCalendar, SlaPolicy


def test_admin_creates_a_calendar_through_the_actions(client, admin, org):
    client.force_login(admin)

    response = client.post(
        "/admin/sla/businesscalendar/add/",
        {
            "name": "Madrid",
            "time_zone": "Europe/Madrid",
            "weekly_hours": json.dumps({"mon": [["09:00", "14:00"]]}),
            "country": "es",
            "subdivision": "MD",
            "extra_holidays": json.dumps(["2025-12-24"]),
        },
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert (calendar.country, calendar.extra_holidays) == ("ES", ["2025-12-24"])
    assert calendar.weekly_hours["mon"] == [["09:00", "14:00"]]
    assert calendar.weekly_hours["tue"] == []


def test_admin_refuses_an_invalid_calendar(client, admin, org):
    client.force_login(admin)

    response = client.post(
        "/admin/sla/businesscalendar/add/",
        {
            "name": "Mal",
            "time_zone": "Lima",
            "weekly_hours": json.dumps({"mon": [["18:00", "09:00"]]}),
            "country": "PE",
            "extra_holidays": "[]",
        },
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "time_zone" in errors
    assert "mon" in errors
    assert not BusinessCalendar.objects.exists()


def test_admin_edits_a_policy_through_the_actions(client, admin, org, finanzas_alta):
    client.force_login(admin)

    response = client.post(
        f"/admin/sla/slapolicy/{finanzas_alta.pk}/change/",
        {
            "name": finanzas_alta.name,
            "pipeline": org.finanzas.pk,
            "priority": org.alta.pk,
            "calendar": finanzas_alta.calendar_id,
            "first_response_minutes": "",
            "resolution_minutes": "600",
            "warning_percent": "75",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    finanzas_alta.refresh_from_db()
    assert (
        finanzas_alta.first_response_minutes,
        finanzas_alta.resolution_minutes,
        finanzas_alta.warning_percent,
    ) == (None, 600, 75)


def test_demo_sla_is_a_policy_per_priority_and_idempotent(org):
    install_demo_sla()
    install_demo_sla()

    policies = {
        p.priority.name: (p.first_response_minutes, p.resolution_minutes)
        for p in SlaPolicy.objects.select_related("priority")
    }
    assert policies == {"Alta": (120, 960), "Media": (240, 1440), "Baja": (480, 2400)}
    assert BusinessCalendar.objects.get().is_default
