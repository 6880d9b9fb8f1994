"""Activities are shown read-only in the admin: they change in the desk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_admin_lists_activities_but_does_not_edit_them(
    client, admin, classified_ticket, rosario, plan
):
    activity = plan(rosario, ticket=classified_ticket, title="Visitar al cliente")
    client.force_login(admin)

    listing = client.get("/admin/agenda/activity/")
    assert listing.status_code == 200
    assert "Visitar al cliente" in listing.content.decode()
    detail = client.get(f"/admin/agenda/activity/{activity.pk}/change/")
    assert detail.status_code == 200
    assert b'name="title"' not in detail.content
    assert client.get("/admin/agenda/activity/add/").status_code == 403
