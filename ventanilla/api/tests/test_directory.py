"""Companies, contacts, configuration and deals through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from conftest import Org
from ventanilla.api.tests.conftest import ApiFor
from ventanilla.crm.models import Deal
from ventanilla.directory.models import Company, Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import EventKind, Ticket


@pytest.mark.parametrize(
    "path",
    [
        "/contacts",
        "/companies",
        "/pipelines",
        "/reasons",
        "/priorities",
        "/teams",
        "/users",
    ],
)
def test_customers_get_403_on_staff_resources(
    api_for: ApiFor, cliente_admin: User, path: str
) -> None:
    response = api_for(cliente_admin).get(path)
    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def test_agent_sees_only_their_pipelines_with_stages_and_types(
    api_for: ApiFor, org: Org, rosario: User, admin: User
) -> None:
    mine = api_for(rosario).get("/pipelines").json()
    assert [p["name"] for p in mine] == ["Finanzas"]
    assert {t["name"] for t in mine[0]["types"]} >= {"Inversionista - Adición"}
    assert mine[0]["stages"][0]["kind"] == "new"
    assert len(api_for(admin).get("/pipelines").json()) == 3


def test_reference_lists(
    api_for: ApiFor, org: Org, rosario: User, carmen: User
) -> None:
    api = api_for(rosario)
    assert [p["name"] for p in api.get("/priorities").json()] == [
        "Alta",
        "Media",
        "Baja",
    ]
    assert {r["name"] for r in api.get("/reasons").json()} == {"Pagos", "Soporte"}
    assert len(api.get("/teams").json()) == 3
    users = {u["username"]: u for u in api.get("/users").json()}
    assert users["carmen"]["teams"] == [org.cobranzas_team.pk]
    assert users["rosario"]["role"] == "agent"


def test_contact_crud_and_duplicates(api_for: ApiFor, org: Org, rosario: User) -> None:
    api = api_for(rosario)
    created = api.post(
        "/contacts",
        {"name": "Ana Ruiz", "email": "Ana@Andinas.example", "company": org.acme.pk},
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    assert created.json()["email"] == "ana@andinas.example"
    again = api.post("/contacts", {"name": "Otra", "email": "ana@andinas.example"})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert api.get(f"/contacts/{contact_id}").json()["company"]["name"] == org.acme.name
    owned = api.patch(f"/contacts/{contact_id}", {"owner": rosario.pk})
    assert owned.json()["owner"]["username"] == "rosario"
    found = api.get("/contacts", q="ana@").json()["items"]
    assert [c["id"] for c in found] == [contact_id]
    assert api.get("/contacts/999999").status_code == 404
    bad = api.post("/contacts", {"name": "X", "company": 999999})
    assert bad.status_code == 422


def test_contact_update_changes_only_what_is_sent_and_delete_keeps_history(
    api_for: ApiFor, org: Org, rosario: User, requester: Contact, ticket: Ticket
) -> None:
    api = api_for(rosario)
    created = api.post(
        "/contacts",
        {"name": "Ana Ruiz", "email": "ana@andinas.example", "owner": rosario.pk},
    ).json()

    moved = api.patch(
        f"/contacts/{created['id']}",
        {"name": "Ana Ruiz Paz", "phone": "+51 999 111 222", "company": org.acme.pk},
    )

    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert (body["name"], body["phone"]) == ("Ana Ruiz Paz", "+51 999 111 222")
    assert body["company"]["id"] == org.acme.pk
    assert body["owner"]["username"] == "rosario"  # not sent: kept
    cleared = api.patch(f"/contacts/{created['id']}", {"owner": None, "company": None})
    assert (cleared.json()["owner"], cleared.json()["company"]) == (None, None)
    taken = api.patch(f"/contacts/{created['id']}", {"email": requester.email})
    assert (taken.status_code, taken.json()["code"]) == (422, "contact_email_taken")

    kept = api.delete(f"/contacts/{requester.pk}")  # the ticket's requester
    assert (kept.status_code, kept.json()["code"]) == (422, "contact_in_use")
    assert api.delete(f"/contacts/{created['id']}").status_code == 204
    assert not Contact.objects.filter(pk=created["id"]).exists()
    assert api.delete(f"/contacts/{created['id']}").status_code == 404


def test_company_update_and_delete(
    api_for: ApiFor, org: Org, admin: User, requester: Contact
) -> None:
    api = api_for(admin)
    created = api.post("/companies", {"name": "Minera Sur", "kind": "client"}).json()

    patched = api.patch(
        f"/companies/{created['id']}",
        {"name": "Minera del Sur", "domain": "MineraSur.example", "kind": "debtor"},
    )

    assert patched.status_code == 200, patched.content
    assert (patched.json()["name"], patched.json()["domain"]) == (
        "Minera del Sur",
        "minerasur.example",
    )
    assert patched.json()["portal_visibility"] == "own"
    clash = api.patch(f"/companies/{created['id']}", {"name": org.acme.name.upper()})
    assert (clash.status_code, clash.json()["code"]) == (422, "company_name_taken")
    in_use = api.delete(f"/companies/{org.acme.pk}")  # has contacts
    assert (in_use.status_code, in_use.json()["code"]) == (422, "company_in_use")
    assert api.delete(f"/companies/{created['id']}").status_code == 204
    assert not Company.objects.filter(pk=created["id"]).exists()


def test_read_tokens_cannot_delete(api_for: ApiFor, org: Org, admin: User) -> None:
    from ventanilla.api.models import Scope

    company = org.other_company
    response = api_for(admin, Scope.READ).delete(f"/companies/{company.pk}")
    assert response.status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


def test_contacts_paginate(api_for: ApiFor, org: Org, rosario: User) -> None:
    api = api_for(rosario)
    for i in range(3):
        api.post("/contacts", {"name": f"C{i}"})
    first = api.get("/contacts", limit=2).json()
    second = api.get("/contacts", limit=2, cursor=first["next_cursor"]).json()
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None


def test_company_create_and_visibility(api_for: ApiFor, org: Org, admin: User) -> None:
    api = api_for(admin)
    created = api.post("/companies", {"name": "Minera Sur", "kind": "client"})
    assert created.status_code == 201
    dup = api.post("/companies", {"name": "minera sur", "kind": "client"})
    assert dup.status_code == 409
    company_id = created.json()["id"]
    patched = api.patch(f"/companies/{company_id}", {"portal_visibility": "company"})
    assert patched.json()["portal_visibility"] == "company"
    assert api.get(f"/companies/{company_id}").status_code == 200
    assert len(api.get("/companies").json()) == 3


def test_bulk_import_creates_contacts_and_companies_once(
    api_for: ApiFor, org: Org, rosario: User
) -> None:
    api = api_for(rosario)
    rows = [
        {"name": "Luis Peña", "email": "luis@nueva.example", "company": "Nueva SAC"},
        {"name": "Eva Soto", "email": "eva@nueva.example", "company": "nueva sac"},
        {"name": "Luis Peña", "email": "LUIS@nueva.example"},
        {"name": "Jorge", "email": "x@andinas.example", "company": org.acme.name},
    ]
    response = api.post("/contacts/import", {"contacts": rows})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["existing"], body["companies_created"]) == (3, 1, 1)
    assert Company.objects.filter(name="Nueva SAC").count() == 1
    assert Contact.objects.get(email="x@andinas.example").company == org.acme


def test_bulk_import_is_all_or_nothing_on_bad_rows(
    api_for: ApiFor, rosario: User
) -> None:
    rows = [{"name": "Bien", "email": "b@x.example"}, {"name": "", "email": "nope"}]
    response = api_for(rosario).post("/contacts/import", {"contacts": rows})
    assert response.status_code == 422
    assert not Contact.objects.filter(email="b@x.example").exists()


def test_deal_from_ticket_closes_it_and_records_the_event(
    api_for: ApiFor, org: Org, rosario: User, classified_ticket: Ticket, cliente: User
) -> None:
    # when
    response = api_for(rosario).post(
        f"/tickets/{classified_ticket.number}/deal",
        {
            "title": "Adición Inversiones Andinas",
            "amount": "150000.50",
            "currency": "USD",
        },
    )
    # then
    assert response.status_code == 201, response.content
    deal = Deal.objects.get()
    assert deal.amount == Decimal("150000.50")
    assert deal.company == org.acme
    assert deal.owner == rosario
    classified_ticket.refresh_from_db()
    assert classified_ticket.stage.kind == StageKind.CLOSED
    assert classified_ticket.events.filter(
        kind=EventKind.LINKED, field="deal", data__deal_id=deal.pk
    ).exists()
    assert (
        api_for(cliente)
        .post(f"/tickets/{classified_ticket.number}/deal", {"title": "x"})
        .status_code
        == 403
    )


def test_deal_needs_a_classified_ticket(
    api_for: ApiFor, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).post(f"/tickets/{ticket.number}/deal", {"title": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "required_fields_missing"
    assert not Deal.objects.exists()


def test_deal_for_a_ticket_of_another_team_is_404(
    api_for: ApiFor, carmen: User, classified_ticket: Ticket
) -> None:
    response = api_for(carmen).post(
        f"/tickets/{classified_ticket.number}/deal", {"title": "x"}
    )
    assert response.status_code == 404
