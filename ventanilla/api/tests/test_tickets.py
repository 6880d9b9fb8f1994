"""Tickets through the API, for every persona: a ticket the caller may not
see is 404, customers get the customer schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from conftest import Org
from ventanilla.api.tests.conftest import ApiFor
from ventanilla.directory.models import Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import EventKind, Ticket
from ventanilla.tickets.tests.factories import open_test_ticket, stage

STAFF_ONLY_KEYS = {"owner", "team", "type", "reason", "priority", "pipeline", "version"}


@pytest.mark.parametrize("persona", ["rosario", "alonso", "lucia", "admin"])
def test_staff_with_access_read_the_ticket(
    request: pytest.FixtureRequest, api_for: ApiFor, ticket: Ticket, persona: str
) -> None:
    # lucia is a supervisor: supervisors see every pipeline.
    api = api_for(request.getfixturevalue(persona))
    response = api.get(f"/tickets/{ticket.number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == ticket.number
    assert body["pipeline"]["name"] == "Finanzas"
    assert body["stage"]["kind"] == "new"


@pytest.mark.parametrize("persona", ["carmen", "outsider"])
def test_agent_of_another_team_and_outsider_get_404(
    request: pytest.FixtureRequest, api_for: ApiFor, ticket: Ticket, persona: str
) -> None:
    api = api_for(request.getfixturevalue(persona))
    number = ticket.number
    assert api.get(f"/tickets/{number}").status_code == 404
    assert api.get(f"/tickets/{number}").json()["code"] == "not_found"
    assert api.get(f"/tickets/{number}/messages").status_code == 404
    assert api.get(f"/tickets/{number}/attachments").status_code == 404
    assert api.get(f"/tickets/{number}/events").status_code == 404
    reply = {"kind": "customer", "body_text": "hola"}
    assert api.post(f"/tickets/{number}/messages", reply).status_code == 404
    assert api.patch(f"/tickets/{number}", {"priority": None}).status_code == 404
    assert number not in [t["number"] for t in api.get("/tickets").json()["items"]]


@pytest.mark.parametrize("persona", ["cliente", "cliente_admin"])
def test_customers_see_their_company_ticket_without_internal_fields(
    request: pytest.FixtureRequest,
    api_for: ApiFor,
    classified_ticket: Ticket,
    persona: str,
) -> None:
    api = api_for(request.getfixturevalue(persona))
    body = api.get(f"/tickets/{classified_ticket.number}").json()
    assert body["status"]["kind"] == "new"
    assert body["requester"] == "Jorge Salas"
    assert not STAFF_ONLY_KEYS & set(body)
    listed = api.get("/tickets").json()["items"]
    assert [t["number"] for t in listed] == [classified_ticket.number]
    assert not STAFF_ONLY_KEYS & set(listed[0])


def test_customers_do_not_see_the_audit_trail(
    api_for: ApiFor, cliente: User, ticket: Ticket
) -> None:
    response = api_for(cliente).get(f"/tickets/{ticket.number}/events")
    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def test_events_list_the_trail(api_for: ApiFor, rosario: User, ticket: Ticket) -> None:
    body = api_for(rosario).get(f"/tickets/{ticket.number}/events").json()
    assert [e["kind"] for e in body] == [EventKind.CREATED]


# -- listing -----------------------------------------------------------------


def _numbers(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["number"] for t in response.json()["items"]]


def test_list_filters(
    api_for: ApiFor,
    org: Org,
    rosario: User,
    admin: User,
    requester: Contact,
    classified_ticket: Ticket,
) -> None:
    # given
    plain = open_test_ticket(org.finanzas, requester=requester, subject="Factura 12")
    other = open_test_ticket(
        org.cobranzas, subject="Liquidación de marzo", body_text=""
    )
    api = api_for(admin)
    # then
    assert _numbers(api.get("/tickets")) == [
        other.number,
        plain.number,
        classified_ticket.number,
    ]
    assert _numbers(api.get("/tickets", pipeline=org.cobranzas.pk)) == [other.number]
    assert _numbers(api.get("/tickets", owner=rosario.pk)) == [classified_ticket.number]
    assert _numbers(api.get("/tickets", unassigned="true")) == [
        other.number,
        plain.number,
    ]
    assert _numbers(api.get("/tickets", priority=org.alta.pk)) == [
        classified_ticket.number
    ]
    assert _numbers(api.get("/tickets", type=org.adicion.pk)) == [
        classified_ticket.number
    ]
    assert _numbers(api.get("/tickets", reason=org.pagos.pk)) == [
        classified_ticket.number
    ]
    assert _numbers(api.get("/tickets", team=org.finanzas_team.pk)) == [
        classified_ticket.number
    ]
    assert _numbers(api.get("/tickets", company=org.acme.pk)) == [
        plain.number,
        classified_ticket.number,
    ]
    assert _numbers(api.get("/tickets", q="factura")) == [plain.number]
    assert _numbers(api.get("/tickets", channel="email", status="closed")) == []
    assert len(_numbers(api.get("/tickets", status="open"))) == 3
    assert _numbers(api.get("/tickets", created_after="2999-01-01T00:00:00Z")) == []
    assert len(_numbers(api.get("/tickets", updated_before="2999-01-01T00:00"))) == 3
    new_stage = stage(org.finanzas, StageKind.NEW)
    assert len(_numbers(api.get("/tickets", stage=new_stage.pk))) == 2


def test_agent_list_is_limited_to_their_pipelines(
    api_for: ApiFor, org: Org, carmen: User, ticket: Ticket
) -> None:
    other = open_test_ticket(org.cobranzas, body_text="")
    assert _numbers(api_for(carmen).get("/tickets")) == [other.number]


def test_key_set_pagination_with_an_opaque_cursor(
    api_for: ApiFor, org: Org, rosario: User
) -> None:
    # given
    made = [
        open_test_ticket(org.finanzas, subject=f"T{i}", body_text="").number
        for i in range(5)
    ]
    api = api_for(rosario)
    # when
    first = api.get("/tickets", limit=2).json()
    second = api.get("/tickets", limit=2, cursor=first["next_cursor"]).json()
    third = api.get("/tickets", limit=2, cursor=second["next_cursor"]).json()
    # then
    seen = [t["number"] for page in (first, second, third) for t in page["items"]]
    assert seen == sorted(made, reverse=True)
    assert third["next_cursor"] is None
    assert not first["next_cursor"].isdigit()


@pytest.mark.parametrize("cursor", ["garbage", "dDp4", "YzoxMA", "%%%"])
def test_bad_cursor_is_422(api_for: ApiFor, rosario: User, cursor: str) -> None:
    response = api_for(rosario).get("/tickets", cursor=cursor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_list_query_count_does_not_grow_with_rows(
    api_for: ApiFor,
    org: Org,
    rosario: User,
    requester: Contact,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(30):
        open_test_ticket(org.finanzas, requester=requester, subject=f"T{i}")
    api = api_for(rosario)
    api.get("/tickets")  # marks the token used (one UPDATE a minute)
    # token, agent, the page, and one query per configuration table
    with django_assert_max_num_queries(10):
        assert len(_numbers(api.get("/tickets"))) == 30
    for i in range(30):
        open_test_ticket(org.finanzas, requester=requester, subject=f"U{i}")
    with django_assert_max_num_queries(10):
        assert len(_numbers(api.get("/tickets"))) == 50


def test_customer_may_not_filter_by_staff_fields(
    api_for: ApiFor, cliente: User, rosario: User, ticket: Ticket
) -> None:
    response = api_for(cliente).get("/tickets", owner=rosario.pk)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"status": "maybe"},
        {"created_after": "yesterday"},
        {"created_after": "0001-01-01T00:00:00+05:00"},
        {"pipeline": "x"},
        {"channel": "fax"},
        {"q": "a\x00b"},
    ],
)
def test_invalid_filters_are_422_with_the_field(
    api_for: ApiFor, rosario: User, params: dict[str, Any]
) -> None:
    response = api_for(rosario).get("/tickets", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"][0]["field"] == next(iter(params))


# -- creating ----------------------------------------------------------------


def test_agent_creates_a_ticket_with_a_new_requester(
    api_for: ApiFor, org: Org, rosario: User
) -> None:
    # when
    response = api_for(rosario).post(
        "/tickets",
        {
            "subject": "Llamada: consulta de rescate",
            "body_text": "El cliente llamó por su rescate.",
            "pipeline": org.finanzas.pk,
            "requester_email": "Nueva.Persona@andinas.example",
            "requester_name": "Nueva Persona",
            "priority": org.media.pk,
            "channel": "phone",
        },
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.channel == "phone"
    assert ticket.requester is not None
    assert ticket.requester.email == "nueva.persona@andinas.example"
    assert ticket.company == org.acme
    assert body["priority"]["name"] == "Media"
    assert body["team"]["name"] == "Finanzas"
    assert ticket.events.filter(kind=EventKind.CREATED, actor_user=rosario).exists()


def test_agent_cannot_create_in_a_pipeline_they_do_not_see(
    api_for: ApiFor, org: Org, carmen: User
) -> None:
    response = api_for(carmen).post(
        "/tickets", {"subject": "x", "pipeline": org.finanzas.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pipeline"
    assert not Ticket.objects.exists()


def test_refused_action_is_422_with_its_code(
    api_for: ApiFor, org: Org, rosario: User
) -> None:
    open_stage = stage(org.finanzas, StageKind.OPEN)
    response = api_for(rosario).patch("/tickets/1", {})
    assert response.status_code == 404
    ticket = open_test_ticket(org.finanzas, body_text="")
    response = api_for(rosario).patch(
        f"/tickets/{ticket.number}", {"stage": open_stage.pk}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "required_fields_missing"
    assert "owner" in body["fields"]


def test_customer_admin_opens_a_ticket_in_triage(
    api_for: ApiFor, org: Org, cliente_admin: User
) -> None:
    response = api_for(cliente_admin).post(
        "/tickets", {"subject": "Estado de cuenta", "body_text": "Por favor."}
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.pipeline == org.servicio
    assert ticket.requester == cliente_admin.customer.contact
    assert ticket.channel == "api"
    assert "owner" not in response.json()


def test_customer_cannot_set_staff_fields_or_open_as_plain_user(
    api_for: ApiFor, org: Org, cliente_admin: User, cliente: User
) -> None:
    staff_field = api_for(cliente_admin).post(
        "/tickets", {"subject": "x", "priority": org.alta.pk}
    )
    assert staff_field.status_code == 422
    plain = api_for(cliente).post("/tickets", {"subject": "x"})
    assert plain.status_code == 403
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"subject": ""},
        {"subject": 5},
        {"subject": "x", "pipeline": False},
        {"subject": "x", "pipeline": "1"},
        {"subject": "x", "unknown": 1},
        {"subject": "x", "requester_email": "not-an-email"},
        [],
        "text",
    ],
)
def test_invalid_create_input_is_422(api_for: ApiFor, rosario: User, body: Any) -> None:
    response = api_for(rosario).post("/tickets", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_malformed_json_is_422(api_for: ApiFor, rosario: User) -> None:
    api = api_for(rosario)
    response = api.client.post(
        "/api/v1/tickets",
        "{not json",
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


# -- updating ----------------------------------------------------------------


def test_agent_classifies_assigns_and_moves_in_one_request(
    api_for: ApiFor, org: Org, rosario: User, alonso: User, ticket: Ticket
) -> None:
    open_stage = stage(org.finanzas, StageKind.OPEN)
    response = api_for(rosario).patch(
        f"/tickets/{ticket.number}",
        {
            "expected_version": ticket.version,
            "type": org.rescate.pk,
            "reason": org.pagos.pk,
            "priority": org.alta.pk,
            "owner": alonso.pk,
            "team": org.finanzas_team.pk,
            "stage": open_stage.pk,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"]["kind"] == "open"
    assert body["owner"]["username"] == "alonso"
    ticket.refresh_from_db()
    assert ticket.stage == open_stage
    assert ticket.events.filter(kind=EventKind.STAGE_CHANGED).count() == 1


def test_failed_stage_move_rolls_back_the_whole_update(
    api_for: ApiFor, org: Org, rosario: User, ticket: Ticket
) -> None:
    open_stage = stage(org.finanzas, StageKind.OPEN)
    response = api_for(rosario).patch(
        f"/tickets/{ticket.number}",
        {"priority": org.alta.pk, "stage": open_stage.pk},
    )
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.priority is None


def test_stale_version_is_409(
    api_for: ApiFor, org: Org, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).patch(
        f"/tickets/{ticket.number}",
        {"expected_version": ticket.version + 5, "priority": org.alta.pk},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"


def test_type_of_another_pipeline_is_422(
    api_for: ApiFor, org: Org, rosario: User, ticket: Ticket
) -> None:
    response = api_for(rosario).patch(
        f"/tickets/{ticket.number}", {"type": org.liquidaciones.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"


def test_customer_cannot_update_a_ticket(
    api_for: ApiFor, org: Org, cliente_admin: User, ticket: Ticket
) -> None:
    response = api_for(cliente_admin).patch(
        f"/tickets/{ticket.number}", {"priority": org.alta.pk}
    )
    assert response.status_code == 403


def test_creating_a_ticket_reads_the_configuration_from_the_kept_tables(
    api_for: ApiFor,
    org: Org,
    rosario: User,
    requester: Contact,
    django_assert_num_queries: Any,
) -> None:
    api = api_for(rosario)
    body = {
        "subject": "Consulta de saldo",
        "body_text": "¿Me envían mi estado de cuenta?",
        "pipeline": org.finanzas.pk,
        "requester": requester.pk,
        "type": org.adicion.pk,
        "reason": org.pagos.pk,
        "priority": org.alta.pk,
        "owner": rosario.pk,
    }
    # the first marks the token used and has the process keep the tables
    assert api.post("/tickets", body).status_code == 201
    # token with user and agent, configuration stamp, requester; then the
    # savepoint, number, ticket, message, audit entry and its release (the
    # SLA job waits for the commit with the tests' immediate backend)
    with django_assert_num_queries(9):
        response = api.post("/tickets", body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["type"]["name"], out["reason"]["name"]) == (
        "Inversionista - Adición",
        "Pagos",
    )
    assert (out["owner"]["id"], out["team"]["name"]) == (rosario.pk, "Finanzas")
    assert out["stage"]["kind"] == "new"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requester", 10**9),
        ("type", 10**9),
        ("priority", 10**9),
        ("owner", 10**9),
        ("team", 10**9),
        ("reason", 10**9),
    ],
)
def test_unknown_rows_in_a_creation_are_field_errors(
    api_for: ApiFor, org: Org, rosario: User, field: str, value: int
) -> None:
    body = {"subject": "x", "pipeline": org.finanzas.pk, field: value}
    response = api_for(rosario).post("/tickets", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert not Ticket.objects.exists()


def test_a_type_of_another_pipeline_is_refused(
    api_for: ApiFor, org: Org, rosario: User
) -> None:
    body = {"subject": "x", "pipeline": org.finanzas.pk, "type": org.liquidaciones.pk}
    response = api_for(rosario).post("/tickets", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"


def test_the_requester_comes_with_its_company(
    org: Org, requester: Contact, django_assert_num_queries: Any
) -> None:
    from ventanilla.api.queries import contact_with_company

    loose = Contact.objects.create(name="Sin empresa", email="suelto@example.com")
    with django_assert_num_queries(2):
        found = contact_with_company(requester.pk)
        alone = contact_with_company(loose.pk)
    assert found == requester and alone == loose
    with django_assert_num_queries(0):
        assert found is not None and found.company == org.acme
        assert alone is not None and alone.company is None
    assert contact_with_company(10**9) is None


def test_a_pipeline_without_stages_says_so(
    api_for: ApiFor, org: Org, admin: User
) -> None:
    from ventanilla.pipelines.models import Pipeline

    empty = Pipeline.objects.create(name="Vacío", slug="vacio", team=org.finanzas_team)
    response = api_for(admin).post("/tickets", {"subject": "x", "pipeline": empty.pk})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "pipeline_lacks_stage"
