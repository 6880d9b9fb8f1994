"""Search recall (accents, plurals, fields), permissions and index upkeep,
on whichever database the suite runs (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from ventanilla.directory import actions as directory
from ventanilla.directory.access import visible_tickets
from ventanilla.search import schema
from ventanilla.search.queries import (
    matching,
    query_words,
    search_tickets,
    singular_prefix,
)
from ventanilla.tickets import actions
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


def _found(user, text: str) -> list[int]:
    return [t.number for t in search_tickets(visible_tickets(user), text)]


@pytest.fixture
def vecina(org):
    return directory.create_contact(name="Elena Paz", email="elena@paz.example")


@pytest.fixture
def corpus(org, requester, vecina):
    """Finanzas tickets with accented singulars and plurals, and one in
    Cobranzas with the same words."""
    return {
        "facturacion": open_test_ticket(
            org.finanzas,
            requester=requester,
            subject="Error en la facturación de marzo",
            body_text="La factura llegó duplicada.",
        ),
        "devoluciones": open_test_ticket(
            org.finanzas,
            requester=requester,
            subject="Consulta",
            body_text="¿Cuándo procesan las devoluciones de los camiones?",
        ),
        "nunoa": open_test_ticket(
            org.finanzas,
            requester=vecina,
            subject="Cambio de dirección a Ñuñoa",
            body_text="Nos mudamos.",
        ),
        "cobranzas": open_test_ticket(
            org.cobranzas,
            requester=requester,
            subject="Facturación vencida y devoluciones pendientes",
            body_text="Reclamo por camión.",
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("facturación", "facturacion"),  # accented, as written
        ("facturacion", "facturacion"),  # unaccented
        ("FACTURACIÓN", "facturacion"),  # capitals
        ("facturaciones", "facturacion"),  # plural finds the singular
        ("devolución", "devoluciones"),  # singular, accented, finds the plural
        ("devolucion", "devoluciones"),  # singular, unaccented
        ("devoluciones", "devoluciones"),
        ("camión", "devoluciones"),  # singular finds "camiones"
        ("nunoa", "nunoa"),  # ñ folded
        ("Ñuñoa mudamos", "nunoa"),  # every word, subject and body
    ],
)
def test_recall_ignores_accents_case_and_number(rosario, corpus, query, expected):
    assert _found(rosario, query) == [corpus[expected].number]


def test_every_word_must_match(rosario, corpus):
    assert _found(rosario, "facturación devoluciones") == []
    assert _found(rosario, "factura duplicada") == [corpus["facturacion"].number]


def test_finds_by_number_requester_name_and_email(rosario, corpus):
    both = {corpus["facturacion"].number, corpus["devoluciones"].number}
    assert set(_found(rosario, "Jorge Salas")) == both
    assert set(_found(rosario, "jorge.salas@andinas.example")) == both
    assert set(_found(rosario, "andinas")) == both
    number = corpus["nunoa"].number
    assert _found(rosario, f"#{number}") == [number]


def test_a_whole_address_is_matched_exactly_not_by_its_parts(org, rosario, corpus):
    # given: an address that the parts of Jorge's would match as prefixes,
    # and Jorge's address written in another requester's message
    namesake = directory.create_contact(
        name="Jorge Salasar", email="jorge.salasar@andinas.example.pe"
    )
    other = open_test_ticket(org.finanzas, requester=namesake, subject="Consulta")
    mentioned = open_test_ticket(
        org.finanzas,
        requester=namesake,
        subject="Otra consulta",
        body_text="Copien a Jorge.Salas@Andinas.example, por favor.",
    )
    jorge = {corpus["facturacion"].number, corpus["devoluciones"].number}
    # then
    assert query_words("JORGE.Salas@andinas.example facturación") == [
        "jorge.salas@andinas.example",
        "facturación",
    ]
    assert set(_found(rosario, "jorge.salas@andinas.example")) == {
        *jorge,
        mentioned.number,
    }
    assert set(_found(rosario, "jorge.salas@andinas.example marzo")) == {
        corpus["facturacion"].number
    }
    assert set(_found(rosario, "jorge.salasar@andinas.example.pe")) == {
        mentioned.number,
        other.number,
    }
    # parts of an address are still words, matched as prefixes
    assert {other.number, *jorge} <= set(_found(rosario, "jorge salas andinas"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL reads addresses first"
)
def test_an_address_in_more_tickets_than_read_first_is_found_all_the_same(
    rosario, corpus, monkeypatch
):
    from ventanilla.search import queries

    jorge = [corpus["devoluciones"].number, corpus["facturacion"].number]
    visible = visible_tickets(rosario)
    newest = queries.newest_matches(visible, "jorge.salas@andinas.example", limit=5)
    monkeypatch.setattr(queries, "ADDRESS_MATCHES", 1)
    assert queries._pg_address_matches(["jorge.salas@andinas.example"]) is None
    assert newest == queries.newest_matches(
        visible, "jorge.salas@andinas.example", limit=5
    )
    assert newest == [
        t.pk for t in Ticket.objects.filter(number__in=jorge).order_by("-pk")
    ]


def test_notes_and_replies_are_searched(rosario, corpus):
    # given
    ticket = corpus["nunoa"]
    actions.add_note(ticket, author=rosario, body_text="Verificar contrato firmado")
    # then
    assert _found(rosario, "contratos firmados") == [ticket.number]


def test_subject_matches_rank_above_body_matches(org, rosario, vecina):
    body = open_test_ticket(
        org.finanzas,
        requester=vecina,
        subject="Consulta general",
        body_text="Tema: reembolso.",
    )
    subject = open_test_ticket(
        org.finanzas,
        requester=vecina,
        subject="Reembolso pendiente",
        body_text="Gracias.",
    )
    assert _found(rosario, "reembolso") == [subject.number, body.number]


def test_equal_rank_shows_newest_first(org, rosario, vecina):
    old = open_test_ticket(org.finanzas, requester=vecina, subject="Boleta perdida")
    new = open_test_ticket(org.finanzas, requester=vecina, subject="Boleta perdida")
    assert _found(rosario, "boleta") == [new.number, old.number]


def test_agent_of_another_team_never_gets_a_hit_from_a_pipeline_he_cannot_see(
    carmen, rosario, corpus
):
    for query in ("facturación", "devoluciones", "camión", "Jorge", "Ñuñoa"):
        found = Ticket.objects.filter(number__in=_found(carmen, query))
        assert {t.pipeline.name for t in found} <= {"Cobranzas"}
    assert _found(carmen, "Ñuñoa") == []
    assert _found(carmen, "facturacion") == [corpus["cobranzas"].number]
    assert corpus["cobranzas"].number not in _found(rosario, "facturacion")


def test_customers_and_outsiders_find_nothing_through_visible_tickets(outsider, corpus):
    assert _found(outsider, "facturación") == []


def test_query_without_searchable_words_matches_nothing(rosario, corpus):
    for text in ("", "   ", "de la", "¿?", "'\" OR 1=1 --", "*"):
        assert _found(rosario, text) == []
    assert query_words("de la Facturación facturación") == ["facturación"]


def test_syntax_characters_are_plain_words(rosario, corpus):
    assert _found(rosario, 'facturación" OR "x') == []
    assert _found(rosario, "facturación:* & !marzo | (") == [
        corpus["facturacion"].number
    ]


def test_index_follows_merges(rosario, corpus):
    # given
    source, into = corpus["devoluciones"], corpus["nunoa"]
    # when: the merge moves the messages with one UPDATE
    actions.merge_tickets(source, into=into, actor=rosario)
    # then
    assert _found(rosario, "camiones") == [into.number]


def test_index_follows_a_contact_edited_outside_the_actions(rosario, requester, corpus):
    """No action renames contacts yet (the admin does): the trigger in the
    database keeps the index current whatever the write path."""
    type(requester).objects.filter(pk=requester.pk).update(name="Ildefonso Salas")
    assert set(_found(rosario, "Ildefonso")) == {
        corpus["facturacion"].number,
        corpus["devoluciones"].number,
    }


def test_deleted_ticket_leaves_the_index(org, rosario, corpus):
    gone = corpus["nunoa"]
    Ticket.objects.filter(pk=gone.pk).delete()
    assert _found(rosario, "Ñuñoa") == []
    with connection.cursor() as cursor:
        table = (
            "search_ticketdocument"
            if connection.vendor == "postgresql"
            else schema.SQLITE_TABLE
        )
        key = "ticket_id" if connection.vendor == "postgresql" else "rowid"
        sql = f"SELECT count(*) FROM {table} WHERE {key} = %s"  # noqa: S608
        cursor.execute(sql, [gone.pk])
        assert cursor.fetchone()[0] == 0


def test_lost_triggers_are_recreated_and_the_index_rebuilt(rosario, corpus, vecina):
    # given: the triggers are gone (as after a SQLite table rebuild)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, table in schema.PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            for name in schema.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    late = open_test_ticket(
        corpus["nunoa"].pipeline, requester=vecina, subject="Pagaré extraviado"
    )
    assert schema.missing_triggers(connection)
    assert _found(rosario, "pagaré") == []
    # when
    assert schema.ensure_installed(connection) is True
    # then
    assert schema.missing_triggers(connection) == []
    assert _found(rosario, "pagare") == [late.number]
    assert schema.ensure_installed(connection) is False


def test_matching_keeps_the_queryset_order_free(rosario, corpus):
    qs = matching(visible_tickets(rosario), "devolucion")
    assert list(qs.values_list("number", flat=True)) == [corpus["devoluciones"].number]


def test_search_is_one_query(rosario, corpus, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(search_tickets(visible_tickets(rosario), "facturación marzo"))


@pytest.mark.parametrize(
    ("word", "prefix"),
    [
        ("devoluciones", "devolucion"),
        ("facturas", "factura"),
        ("clientes", "client"),
        ("luces", "luz"),
        ("mes", "mes"),
        ("camion", "camion"),
    ],
)
def test_singular_prefix(word, prefix):
    assert singular_prefix(word) == prefix


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite table rebuilds")
def test_migrations_that_rebuild_ticket_tables_keep_working_on_sqlite(
    org, requester, rosario
):
    from django.apps import apps
    from django.db.models.signals import post_migrate, pre_migrate

    from ventanilla.tickets.models import Message

    ticket = open_test_ticket(org.finanzas, requester=requester, subject="Vale vista")
    config = apps.get_app_config("search")
    # given a migration plan about to rebuild the ticket tables
    pre_migrate.send(sender=config, app_config=config, using="default", plan=[1])
    # when SQLite rebuilds them as an AlterField would
    with connection.schema_editor() as editor:
        editor._remake_table(Ticket)
        editor._remake_table(Message)
    post_migrate.send(sender=config, app_config=config, using="default", plan=[1])
    # then the triggers are back and the index is whole
    assert schema.missing_triggers(connection) == []
    assert _found(rosario, "vale vista") == [ticket.number]
    actions.add_note(ticket, author=rosario, body_text="Endoso pendiente")
    assert _found(rosario, "endosos") == [ticket.number]
