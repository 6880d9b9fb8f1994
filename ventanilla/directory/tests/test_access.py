from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ventanilla.directory.access import (
    access_ticket,
    visible_pipelines,
    visible_tickets,
)
from ventanilla.directory.actions import (
    create_contact,
    create_customer_user,
    deactivate_user,
    set_portal_visibility,
)
from ventanilla.directory.models import PortalVisibility
from ventanilla.tickets.tests.factories import open_test_ticket


@pytest.fixture
def tickets(org, requester, cliente_admin):
    """One Finanzas ticket of Jorge, one Cobranzas ticket of a colleague, one
    of another company, one copying Jorge."""
    colleague = cliente_admin.customer.contact
    stranger = create_contact(
        name="Luis Mora", email="luis@textiles.example", company=org.other_company
    )
    return {
        "jorge": open_test_ticket(org.finanzas, requester=requester),
        "colleague": open_test_ticket(org.cobranzas, requester=colleague),
        "stranger": open_test_ticket(org.finanzas, requester=stranger),
        "cc_jorge": open_test_ticket(
            org.cobranzas, requester=colleague, cc=[requester]
        ),
    }


def _numbers(user):
    return set(visible_tickets(user).values_list("number", flat=True))


def test_agent_sees_only_the_pipelines_of_their_teams(org, tickets, rosario, carmen):
    assert _numbers(rosario) == {tickets["jorge"].number, tickets["stranger"].number}
    assert _numbers(carmen) == {tickets["colleague"].number, tickets["cc_jorge"].number}
    assert list(visible_pipelines(rosario)) == [org.finanzas]


def test_admin_and_supervisor_see_everything(tickets, admin, lucia):
    every = {t.number for t in tickets.values()}
    assert _numbers(admin) == every
    assert _numbers(lucia) == every


def test_company_admin_sees_the_whole_company(tickets, cliente_admin):
    assert _numbers(cliente_admin) == {
        tickets["jorge"].number,
        tickets["colleague"].number,
        tickets["cc_jorge"].number,
    }


def test_plain_customer_sees_own_and_copied_tickets(tickets, cliente):
    assert _numbers(cliente) == {tickets["jorge"].number, tickets["cc_jorge"].number}


def test_plain_customer_sees_the_company_when_the_company_allows(org, tickets, cliente):
    set_portal_visibility(org.acme, visibility=PortalVisibility.COMPANY)

    assert tickets["colleague"].number in _numbers(cliente)


def test_outsider_sees_nothing_of_another_company(tickets, outsider):
    # the outsider administers the stranger's company, not Jorge's
    assert _numbers(outsider) == {tickets["stranger"].number}
    for key in ("jorge", "colleague", "cc_jorge"):
        with pytest.raises(Http404):
            access_ticket(outsider, tickets[key].number)


def test_agent_of_another_team_gets_404(tickets, carmen):
    with pytest.raises(Http404):
        access_ticket(carmen, tickets["jorge"].number)


def test_access_ticket_returns_the_visible_ticket(tickets, rosario):
    assert access_ticket(rosario, tickets["jorge"].number) == tickets["jorge"]


def test_guessed_numbers_anonymous_and_inactive_users_get_404(
    tickets, cliente, rosario
):
    with pytest.raises(Http404):
        access_ticket(rosario, 999_999)
    with pytest.raises(Http404):
        access_ticket(AnonymousUser(), tickets["jorge"].number)
    deactivate_user(rosario)
    assert _numbers(rosario) == set()


def test_customer_without_company_sees_own_tickets(org):
    loner = create_contact(name="Sin Empresa", email="solo@example.test")
    user = create_customer_user(loner, password="x").user
    own = open_test_ticket(org.finanzas, requester=loner)

    assert _numbers(user) == {own.number}
