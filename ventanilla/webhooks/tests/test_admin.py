"""Administrators manage subscriptions and read deliveries in the admin."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from ventanilla.webhooks.models import Delivery, Subscription


def test_admin_subscribes_a_url_to_events(admin: User) -> None:
    # given
    browser = Client()
    browser.force_login(admin)
    # when
    response = browser.post(
        "/admin/webhooks/subscription/add/",
        {
            "name": "ERP",
            "url": "https://erp.example/hooks",
            "events": ["ticket.created", "message.created"],
            "is_active": "on",
            "secret": "s3cr3t-s3cr3t",
        },
    )
    # then
    assert response.status_code == 302, response.content
    subscription = Subscription.objects.get()
    assert subscription.events == ["ticket.created", "message.created"]
    assert subscription.created_by == admin
    assert browser.get("/admin/webhooks/subscription/").status_code == 200
    assert browser.get("/admin/webhooks/delivery/").status_code == 200


def test_deliveries_are_read_only_in_the_admin(admin: User) -> None:
    browser = Client()
    browser.force_login(admin)
    assert browser.get("/admin/webhooks/delivery/add/").status_code == 403
    assert not Delivery.objects.exists()
