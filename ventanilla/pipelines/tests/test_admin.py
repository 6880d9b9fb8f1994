"""Pipelines, stages and types are configured in the admin, through the
actions and their rules."""

from __future__ import annotations

from typing import Any

from ventanilla.pipelines.models import Pipeline, Stage, StageKind, TicketType


def _stage_post(
    pipeline: Pipeline | None, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    existing = list(pipeline.stages.order_by("position")) if pipeline else []
    data: dict[str, Any] = {
        "stages-TOTAL_FORMS": str(len(rows)),
        "stages-INITIAL_FORMS": str(len(existing)),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "types-TOTAL_FORMS": "0",
        "types-INITIAL_FORMS": "0",
        "types-MIN_NUM_FORMS": "0",
        "types-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"stages-{index}-{key}"] = value
        if pipeline is not None:
            data[f"stages-{index}-pipeline"] = str(pipeline.pk)
    return data


def _pipeline_post(pipeline: Pipeline, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": pipeline.name,
        "slug": pipeline.slug,
        "team": str(pipeline.team_id),
        "position": str(pipeline.position),
        **_stage_post(pipeline, rows),
    }


def _rows_of(pipeline: Pipeline) -> list[dict[str, Any]]:
    return [
        {"id": str(s.pk), "position": str(s.position), "name": s.name, "kind": s.kind}
        for s in pipeline.stages.order_by("position")
    ]


def test_admin_creates_a_pipeline_with_its_stages(client, admin, org):
    client.force_login(admin)
    rows = [
        {"position": "0", "name": "Recibido", "kind": StageKind.NEW},
        {"position": "1", "name": "Trabajando", "kind": StageKind.OPEN},
        {"position": "2", "name": "Hecho", "kind": StageKind.RESOLVED},
        {"position": "3", "name": "Archivado", "kind": StageKind.CLOSED},
    ]
    data = {
        "name": "Operaciones",
        "slug": "operaciones",
        "team": str(org.servicio_team.pk),
        "position": "5",
        **_stage_post(None, rows),
    }

    response = client.post("/admin/pipelines/pipeline/add/", data)

    assert response.status_code == 302, response.context["errors"]
    pipeline = Pipeline.objects.get(slug="operaciones")
    assert [(s.position, s.name) for s in pipeline.stages.all()] == [
        (0, "Recibido"),
        (1, "Trabajando"),
        (2, "Hecho"),
        (3, "Archivado"),
    ]


def test_admin_refuses_a_pipeline_without_a_closed_stage(client, admin, org):
    client.force_login(admin)
    rows = _rows_of(org.finanzas)
    closed = next(r for r in rows if r["kind"] == StageKind.CLOSED)
    closed["DELETE"] = "on"

    response = client.post(
        f"/admin/pipelines/pipeline/{org.finanzas.pk}/change/",
        _pipeline_post(org.finanzas, rows),
    )

    assert response.status_code == 200
    assert "Cerrado" in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert org.finanzas.stages.filter(kind=StageKind.CLOSED).exists()


def test_admin_swaps_two_stage_positions_and_renames(client, admin, org):
    client.force_login(admin)
    rows = _rows_of(org.finanzas)
    rows[1]["position"], rows[2]["position"] = rows[2]["position"], rows[1]["position"]
    rows[1]["name"] = "En curso"
    second, third = rows[1]["id"], rows[2]["id"]

    response = client.post(
        f"/admin/pipelines/pipeline/{org.finanzas.pk}/change/",
        _pipeline_post(org.finanzas, rows),
    )

    assert response.status_code == 302
    assert Stage.objects.get(pk=second).position == 2
    assert Stage.objects.get(pk=second).name == "En curso"
    assert Stage.objects.get(pk=third).position == 1


def test_admin_keeps_a_stage_that_holds_tickets(client, admin, org, ticket):
    client.force_login(admin)
    rows = _rows_of(org.finanzas)
    new_stage = ticket.stage
    extra = {"position": "9", "name": "Otra entrada", "kind": StageKind.NEW}
    for row in rows:
        if row["id"] == str(new_stage.pk):
            row["DELETE"] = "on"
    rows.append(extra)

    response = client.post(
        f"/admin/pipelines/pipeline/{org.finanzas.pk}/change/",
        _pipeline_post(org.finanzas, rows),
    )

    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert new_stage.name in errors
    assert Stage.objects.filter(pk=new_stage.pk).exists()
    assert not Stage.objects.filter(name="Otra entrada").exists()


def test_admin_edits_a_type_and_its_default_owners(client, admin, org, rosario, alonso):
    client.force_login(admin)

    response = client.post(
        f"/admin/pipelines/tickettype/{org.rescate.pk}/change/",
        {
            "pipeline": str(org.finanzas.pk),
            "name": "Inversionista - Rescate",
            "description": "Retiro de fondos",
            "default_owners": [str(alonso.pk)],
            "playbook": "Validar cuenta bancaria",
            "guide_url": "https://example.com/guia",
            "position": "1",
        },
    )

    assert response.status_code == 302
    org.rescate.refresh_from_db()
    assert org.rescate.playbook == "Validar cuenta bancaria"
    assert list(org.rescate.default_owners.all()) == [alonso]


def test_admin_refuses_to_move_a_type_in_use(client, admin, org, classified_ticket):
    client.force_login(admin)
    ticket_type = classified_ticket.type

    response = client.post(
        f"/admin/pipelines/tickettype/{ticket_type.pk}/change/",
        {
            "pipeline": str(org.cobranzas.pk),
            "name": ticket_type.name,
            "position": "0",
        },
    )

    assert response.status_code == 200
    assert "pipeline" in response.context["adminform"].form.errors
    assert TicketType.objects.get(pk=ticket_type.pk).pipeline == org.finanzas


def test_agents_only_view_the_configuration(client, rosario, org):
    client.force_login(rosario)

    assert client.get("/admin/pipelines/pipeline/").status_code == 200
    response = client.post(
        f"/admin/pipelines/reason/{org.pagos.pk}/change/",
        {"name": "Cambiado", "position": "0"},
    )
    assert response.status_code == 403
    org.pagos.refresh_from_db()
    assert org.pagos.name == "Pagos"
