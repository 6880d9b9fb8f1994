"""Triage: unclassified tickets of the shared mailbox, classified in one row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(org, requester):
    return [
        open_test_ticket(org.servicio, requester=requester, subject=f"Consulta {n}")
        for n in range(3)
    ]


def _row(ticket, **values):
    prefix = f"t{ticket.number}-"
    data = {f"{prefix}version": ticket.version}
    data.update({f"{prefix}{k}": v for k, v in values.items()})
    return data


def test_triage_lists_unclassified_tickets_of_triage_pipelines(
    as_lucia, org, inbox, classified_ticket
):
    response = as_lucia.get(reverse("desk:triage"))
    assert [t.number for t, _form in response.context["rows"]] == [
        t.number for t in inbox
    ]


def test_triage_page_queries_do_not_grow_with_rows(
    as_lucia, org, requester, inbox, django_assert_num_queries
):
    url = reverse("desk:triage")
    as_lucia.get(url)
    with django_assert_num_queries(TRIAGE_QUERIES) as counted:
        as_lucia.get(url)
    for _index in range(10):
        open_test_ticket(org.servicio, requester=requester)
    with django_assert_num_queries(len(counted.captured_queries)):
        response = as_lucia.get(url)
    assert len(response.context["rows"]) == 13


# session, user, agent, rows, navigation (5), one of each option list (5).
TRIAGE_QUERIES = 14


def test_one_click_moves_and_classifies(as_lucia, org, inbox, rosario):
    # given an unclassified request in the shared mailbox
    ticket = inbox[0]
    # when Lucía picks type, reason, priority and owner (the pipeline follows the type)
    response = as_lucia.post(
        reverse("desk:triage-classify", args=[ticket.number]),
        _row(
            ticket,
            type=org.adicion.pk,
            reason=org.pagos.pk,
            priority=org.alta.pk,
            owner=rosario.pk,
        ),
        HTTP_HX_REQUEST="true",
    )
    # then it is in Finanzas, fully classified, and the row says so
    assert response.status_code == 200
    assert b"triage-done" in response.content
    ticket.refresh_from_db()
    assert ticket.pipeline == org.finanzas
    assert ticket.team == org.finanzas_team
    assert (ticket.type, ticket.reason, ticket.priority, ticket.owner) == (
        org.adicion,
        org.pagos,
        org.alta,
        rosario,
    )
    assert ticket.stage.kind == StageKind.NEW
    # and it has left the triage list
    listed = [
        t.number for t, _f in as_lucia.get(reverse("desk:triage")).context["rows"]
    ]
    assert ticket.number not in listed


def test_pipeline_and_type_must_agree(as_lucia, org, inbox):
    ticket = inbox[1]
    response = as_lucia.post(
        reverse("desk:triage-classify", args=[ticket.number]),
        _row(ticket, pipeline=org.cobranzas.pk, type=org.adicion.pk),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert b'class="triage-errors refusal"' in response.content
    ticket.refresh_from_db()
    assert ticket.pipeline == org.servicio


def test_classify_in_place_without_moving(as_lucia, org, inbox):
    ticket = inbox[2]
    response = as_lucia.post(
        reverse("desk:triage-classify", args=[ticket.number]),
        _row(ticket, priority=org.media.pk, reason=org.soporte.pk),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.pipeline, ticket.priority, ticket.reason) == (
        org.servicio,
        org.media,
        org.soporte,
    )


def test_an_empty_row_is_refused(as_lucia, inbox):
    ticket = inbox[0]
    response = as_lucia.post(
        reverse("desk:triage-classify", args=[ticket.number]),
        _row(ticket),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422


def test_stale_row_is_refused(as_lucia, org, inbox, lucia):
    from ventanilla.tickets import actions

    ticket = inbox[0]
    seen = ticket.version
    actions.set_classification(ticket, actor=lucia, priority=org.baja)
    response = as_lucia.post(
        reverse("desk:triage-classify", args=[ticket.number]),
        {
            f"t{ticket.number}-version": seen,
            f"t{ticket.number}-pipeline": org.finanzas.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.pipeline == org.servicio


def test_agents_without_triage_pipelines_see_no_rows(as_rosario, inbox):
    response = as_rosario.get(reverse("desk:triage"))
    assert response.context["rows"] == []
    assert response.context["nav"].has_triage is False


def test_sidebar_counts_triage_waiting_mine_and_unassigned(
    lucia, org, inbox, classified_ticket
):
    from ventanilla.desk import queries
    from ventanilla.tickets import actions
    from ventanilla.tickets.tests.factories import stage

    # the Finanzas ticket waits on its customer
    actions.change_stage(
        classified_ticket,
        stage=stage(org.finanzas, StageKind.WAITING_CUSTOMER),
        actor=lucia,
    )
    # one of the inbox is Lucía's (still missing type, reason and priority)
    actions.assign(inbox[1], actor=lucia, owner=lucia)
    # an unclassified ticket outside the triage pipeline
    open_test_ticket(
        org.finanzas, requester=inbox[0].requester, subject="Sin clasificar"
    )

    nav = queries.navigation(lucia)

    assert nav.has_triage is True
    assert nav.triage == 3  # unclassified, in the triage pipeline only
    assert nav.waiting == 1
    assert nav.mine == 1
    assert nav.unassigned == 3  # inbox[0], inbox[2] and the Finanzas one
    counts = {p.pipeline.name: p.count for p in nav.pipelines}
    assert counts["Finanzas"] == 2
    assert sum(counts.values()) == 5
