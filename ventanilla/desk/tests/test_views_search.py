"""The desk's search box, its results page and the ``q`` filter of queues."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.directory import actions as directory
from ventanilla.tickets import actions
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


def _results(response) -> list[int]:
    return [t.number for t in response.context["results"].tickets]


@pytest.fixture
def found(org, requester, rosario):
    other = directory.create_contact(name="Elena Paz", email="elena@paz.example")
    made = {
        "facturas": open_test_ticket(
            org.finanzas,
            requester=requester,
            subject="Facturas duplicadas de marzo",
            body_text="Nos llegaron dos facturas iguales.",
        ),
        "nota": open_test_ticket(
            org.finanzas, requester=other, subject="Consulta", body_text="Hola."
        ),
        "cobranzas": open_test_ticket(
            org.cobranzas,
            requester=requester,
            subject="Facturación duplicada",
            body_text="Cobranzas también.",
        ),
    }
    actions.add_note(made["nota"], author=rosario, body_text="Revisar la facturación")
    return made


def test_search_box_is_in_every_desk_page(as_rosario):
    response = as_rosario.get(reverse("desk:queue", args=["mine"]))
    assert b'role="search"' in response.content
    assert reverse("desk:search").encode() in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("factura", "facturas"),
        ("FACTURAS duplicada", "facturas"),
        ("facturacion", "nota"),
        ("Facturaciones", "nota"),
    ],
)
def test_results_find_accented_and_plural_forms(as_rosario, found, query, expected):
    response = as_rosario.get(reverse("desk:search"), {"q": query})
    assert response.status_code == 200
    assert found[expected].number in _results(response)
    assert found["cobranzas"].number not in _results(response)


def test_notes_are_searched_for_agents(as_rosario, found):
    response = as_rosario.get(reverse("desk:search"), {"q": "revisar facturación"})
    assert _results(response) == [found["nota"].number]


def test_agent_of_another_team_gets_no_hit_from_a_pipeline_she_cannot_see(
    as_carmen, found
):
    for query in ("facturas", "marzo", "Jorge", "revisar", str(found["nota"].number)):
        response = as_carmen.get(reverse("desk:search"), {"q": query})
        assert set(_results(response)) <= {found["cobranzas"].number}, query
        assert b"Facturas duplicadas" not in response.content


def test_customers_cannot_search_the_desk(found, cliente):
    from django.test import Client

    client = Client()
    client.force_login(cliente)
    assert client.get(reverse("desk:search"), {"q": "facturas"}).status_code == 403


def test_empty_and_odd_queries_answer_calmly(as_rosario, found):
    assert as_rosario.get(reverse("desk:search")).context["results"] is None
    for text in ["''", "de la", "*:&|!", "x" * 5000, "\x00"]:
        response = as_rosario.get(reverse("desk:search"), {"q": text})
        assert response.status_code == 200


def test_results_are_bounded_and_say_so(as_rosario, org, requester, settings):
    settings.VENTANILLA_DESK_SEARCH_RESULTS = 2
    for _index in range(3):
        open_test_ticket(org.finanzas, requester=requester, subject="Pagaré vencido")
    response = as_rosario.get(reverse("desk:search"), {"q": "pagare"})
    assert len(_results(response)) == 2
    assert response.context["results"].more is True
    assert b"?q=pagare" in response.content


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(
    as_rosario, org, requester, settings
):
    settings.VENTANILLA_DESK_SEARCH_CANDIDATES = 3
    # The oldest is the best match (the word twice, in the subject too)...
    best = open_test_ticket(
        org.finanzas, requester=requester, subject="Pagaré pagaré vencido"
    )
    newer = [
        open_test_ticket(
            org.finanzas,
            requester=requester,
            subject=f"Consulta {index}",
            body_text=f"Sobre un pagaré, consulta {index}",
        )
        for index in range(3)
    ]
    response = as_rosario.get(reverse("desk:search"), {"q": "pagare"})
    # ... but only the newest three are ranked.
    assert set(_results(response)) == {t.number for t in newer}
    results = response.context["results"]
    assert results.capped is True and results.more is True
    assert "los 3 más recientes".encode() in response.content

    settings.VENTANILLA_DESK_SEARCH_CANDIDATES = 10
    response = as_rosario.get(reverse("desk:search"), {"q": "pagare"})
    assert _results(response)[0] == best.number
    assert response.context["results"].capped is False


def test_search_page_queries_do_not_grow_with_results(
    as_rosario, org, requester, django_assert_num_queries
):
    url = reverse("desk:search")
    open_test_ticket(org.finanzas, requester=requester, subject="Boleta perdida")
    as_rosario.get(url, {"q": "boleta"})  # warm the session
    with django_assert_num_queries(SEARCH_QUERIES) as counted:
        as_rosario.get(url, {"q": "boleta"})
    for _index in range(10):
        open_test_ticket(org.finanzas, requester=requester, subject="Boletas perdidas")
    with django_assert_num_queries(len(counted.captured_queries)):
        response = as_rosario.get(url, {"q": "boleta"})
    assert len(_results(response)) == 11


# session, user, agent, the newest matching ids, their best ranked rows,
# the configuration stamp (the catalogue's tables, the agents' teams among
# them, are kept by the process from the first request), navigation (5).
SEARCH_QUERIES = 11


def test_queue_filter_q_keeps_queue_order_and_pages(as_rosario, org, found):
    url = reverse("desk:queue", args=["all"])
    response = as_rosario.get(url, {"q": "duplicadas"})
    numbers = [t.number for t in response.context["page"].tickets]
    assert numbers == [found["facturas"].number]
    assert response.context["form"]["q"].value() == "duplicadas"
    assert as_rosario.get(url, {"q": "nada-parecido"}).context["page"].tickets == []
