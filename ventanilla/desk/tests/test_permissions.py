"""Every desk URL, for each kind of visitor.

An agent of another team gets 404 for Finanzas tickets and pipelines (the
same as a ticket that does not exist), anonymous visitors are sent to sign
in, and customers' portal accounts are refused.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ventanilla.desk.tests.conftest import signed_in
from ventanilla.directory.actions import deactivate_user
from ventanilla.tickets.models import MessageKind

pytestmark = pytest.mark.django_db

TICKET_GETS = ["ticket", "viewers"]
TICKET_POSTS = ["reply", "note", "stage", "classify", "move", "merge", "link"]


def _ticket_urls(ticket, attachment_id=1):
    n = ticket.number
    gets = [reverse(f"desk:{name}", args=[n]) for name in TICKET_GETS]
    gets.append(reverse("desk:attachment", args=[n, attachment_id]))
    posts = [reverse(f"desk:{name}", args=[n]) for name in TICKET_POSTS]
    posts.append(reverse("desk:triage-classify", args=[n]))
    return gets, posts


def _page_urls(org):
    return [
        reverse("desk:queue", args=["mine"]),
        reverse("desk:queue", args=["unassigned"]),
        reverse("desk:queue", args=["waiting"]),
        reverse("desk:queue", args=["all"]),
        reverse("desk:pipeline", args=[org.finanzas.slug]),
        reverse("desk:board", args=[org.finanzas.slug]),
        reverse("desk:triage"),
        reverse("desk:new-ticket"),
        reverse("desk:contacts"),
        reverse("desk:nav"),
    ]


def test_another_teams_agent_gets_404_for_every_ticket_url(
    as_carmen, org, classified_ticket, rosario
):
    body = {
        "body": "x",
        "version": classified_ticket.version,
        "into": 1,
        "other": 1,
        "kind": "related",
    }
    gets, posts = _ticket_urls(classified_ticket)
    for url in gets:
        assert as_carmen.get(url).status_code == 404, url
    for url in posts:
        assert as_carmen.post(url, body).status_code == 404, url
    # and nothing was written through any of them
    assert not classified_ticket.messages.exclude(kind=MessageKind.CUSTOMER).exists()


def test_another_teams_agent_gets_404_for_the_pipeline(as_carmen, org):
    assert (
        as_carmen.get(reverse("desk:pipeline", args=[org.finanzas.slug])).status_code
        == 404
    )
    assert (
        as_carmen.get(reverse("desk:board", args=[org.finanzas.slug])).status_code
        == 404
    )
    assert (
        as_carmen.get(reverse("desk:pipeline", args=[org.cobranzas.slug])).status_code
        == 200
    )


def test_another_teams_agent_cannot_bulk_change_unseen_tickets(
    as_carmen, org, classified_ticket
):
    response = as_carmen.post(
        reverse("desk:bulk"),
        {
            "tickets": [classified_ticket.number],
            "action": "priority",
            "priority": org.baja.pk,
        },
        follow=True,
    )
    classified_ticket.refresh_from_db()
    assert classified_ticket.priority == org.alta
    assert any(
        f"#{classified_ticket.number}" in str(m) for m in response.context["messages"]
    )


def test_another_teams_agent_does_not_see_them_in_queues(as_carmen, classified_ticket):
    response = as_carmen.get(reverse("desk:queue", args=["all"]))
    assert classified_ticket.number not in [
        t.number for t in response.context["page"].tickets
    ]


def test_anonymous_visitors_are_sent_to_sign_in(org, classified_ticket):
    client = Client()
    gets, posts = _ticket_urls(classified_ticket)
    for url in [*_page_urls(org), *gets]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/desk/sign-in/?next="), url
    for url in [*posts, reverse("desk:bulk")]:
        response = client.post(url, {})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/desk/sign-in/"), url


@pytest.mark.parametrize("persona", ["cliente", "cliente_admin", "outsider"])
def test_customers_are_refused(request, org, classified_ticket, persona):
    client = signed_in(request.getfixturevalue(persona))
    gets, posts = _ticket_urls(classified_ticket)
    for url in [*_page_urls(org), *gets]:
        assert client.get(url).status_code in {403, 404}, url
    for url in [*posts, reverse("desk:bulk")]:
        assert client.post(url, {}).status_code in {403, 404}, url


def test_inactive_agent_is_signed_out_of_the_desk(rosario, classified_ticket):
    client = signed_in(rosario)
    deactivate_user(rosario)
    response = client.get(reverse("desk:ticket", args=[classified_ticket.number]))
    assert response.status_code == 302


def test_supervisors_and_admins_see_every_pipeline(
    lucia, admin, org, classified_ticket
):
    for user in (lucia, admin):
        client = signed_in(user)
        assert (
            client.get(
                reverse("desk:ticket", args=[classified_ticket.number])
            ).status_code
            == 200
        )
        assert (
            client.get(reverse("desk:board", args=[org.finanzas.slug])).status_code
            == 200
        )


def test_unknown_queue_and_ticket_numbers_are_404(as_rosario):
    assert as_rosario.get("/desk/queues/nope/").status_code == 404
    assert as_rosario.get(reverse("desk:ticket", args=[99999999])).status_code == 404


def test_forms_need_csrf(rosario, classified_ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rosario)
    url = reverse("desk:reply", args=[classified_ticket.number])
    assert client.post(url, {"body": "x", "version": 1}).status_code == 403
