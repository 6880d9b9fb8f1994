"""Queues: presets, filters, order, key-set pages, the board, bulk changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ventanilla.desk import queries
from ventanilla.desk.queries import Cursor
from ventanilla.directory import actions as directory
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import Channel
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[int]:
    return [t.number for t in response.context["page"].tickets]


@pytest.fixture
def spread(org, requester, rosario, alonso):
    """Finanzas tickets of each priority, created a day apart, plus one in
    Cobranzas that Rosario must never see."""
    start = timezone.now() - dt.timedelta(days=10)
    made = {}
    plan = [
        ("baja-old", org.baja, rosario),
        ("alta-new", org.alta, alonso),
        ("none", None, None),
        ("alta-old", org.alta, rosario),
        ("media", org.media, None),
    ]
    for index, (name, priority, owner) in enumerate(plan):
        when = start + dt.timedelta(days=index)
        if name == "alta-old":
            when = start - dt.timedelta(days=1)
        with time_machine.travel(when, tick=False):
            made[name] = open_test_ticket(
                org.finanzas,
                requester=requester,
                subject=f"Asunto {name}",
                priority=priority,
                owner=owner,
            )
    made["cobranzas"] = open_test_ticket(
        org.cobranzas, requester=requester, subject="De Cobranzas"
    )
    return made


def test_pipeline_queue_sorts_high_priority_first_then_oldest(as_rosario, org, spread):
    response = as_rosario.get(reverse("desk:pipeline", args=[org.finanzas.slug]))
    assert response.status_code == 200
    expected = ["alta-old", "alta-new", "media", "baja-old", "none"]
    assert _numbers(response) == [spread[n].number for n in expected]


def test_my_tickets_are_those_i_own(as_rosario, spread):
    response = as_rosario.get(reverse("desk:queue", args=["mine"]))
    assert _numbers(response) == [spread["alta-old"].number, spread["baja-old"].number]


def test_unassigned_queue(as_rosario, spread):
    response = as_rosario.get(reverse("desk:queue", args=["unassigned"]))
    assert _numbers(response) == [spread["media"].number, spread["none"].number]


def test_waiting_on_customer_queue(as_rosario, org, classified_ticket, rosario, spread):
    waiting = stage(org.finanzas, StageKind.WAITING_CUSTOMER)
    actions.change_stage(classified_ticket, stage=waiting, actor=rosario)
    response = as_rosario.get(reverse("desk:queue", args=["waiting"]))
    assert _numbers(response) == [classified_ticket.number]


def test_other_pipelines_never_show(as_rosario, spread):
    response = as_rosario.get(reverse("desk:queue", args=["unassigned"]))
    assert spread["cobranzas"].number not in _numbers(response)
    response = as_rosario.get(
        reverse("desk:queue", args=["unassigned"]),
        {"pipeline": spread["cobranzas"].pipeline_id},
    )
    assert _numbers(response) == [spread["media"].number, spread["none"].number]
    assert response.context["form"].errors  # not a choice she has


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"priority": "alta"}, ["alta-old", "alta-new"]),
        ({"owner": "alonso"}, ["alta-new"]),
        ({"company": "andinas"}, ["alta-old", "alta-new", "media", "baja-old", "none"]),
        ({"company": "textiles"}, []),
        ({"channel": Channel.PHONE}, []),
        (
            {"channel": Channel.EMAIL, "scope": "external"},
            ["alta-old", "alta-new", "media", "baja-old", "none"],
        ),
        ({"scope": "internal"}, []),
    ],
)
def test_filters(as_rosario, org, spread, alonso, params, expected):
    resolved = {
        "priority": lambda v: org.alta.pk,
        "owner": lambda v: alonso.pk,
    }
    query = {k: resolved.get(k, lambda v: v)(v) for k, v in params.items()}
    response = as_rosario.get(reverse("desk:pipeline", args=[org.finanzas.slug]), query)
    assert _numbers(response) == [spread[n].number for n in expected]


def test_filter_by_stage_type_and_team(as_rosario, org, classified_ticket, spread):
    url = reverse("desk:queue", args=["all"])
    new = stage(org.finanzas, StageKind.NEW)
    assert classified_ticket.number in _numbers(as_rosario.get(url, {"stage": new.pk}))
    by_type = as_rosario.get(url, {"type": org.adicion.pk})
    assert _numbers(by_type) == [classified_ticket.number]
    by_team = as_rosario.get(url, {"team": org.finanzas_team.pk})
    assert _numbers(by_team) == [classified_ticket.number]


def test_created_range_is_in_lima_days(as_rosario, org, spread):
    day = timezone.localtime(spread["media"].created_at).date()
    response = as_rosario.get(
        reverse("desk:queue", args=["all"]),
        {"created_from": day.isoformat(), "created_to": day.isoformat()},
    )
    assert _numbers(response) == [spread["media"].number]


def test_status_filter_shows_closed_only_when_asked(
    as_rosario, org, classified_ticket, rosario
):
    actions.change_stage(
        classified_ticket, stage=stage(org.finanzas, StageKind.CLOSED), actor=rosario
    )
    url = reverse("desk:queue", args=["all"])
    assert classified_ticket.number not in _numbers(as_rosario.get(url))
    closed = as_rosario.get(url, {"status": "closed"})
    assert _numbers(closed) == [classified_ticket.number]


def test_key_set_pages_cover_everything_once(rosario, org, requester):
    # given 7 tickets of mixed priority and identical creation times
    moment = timezone.now() - dt.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        made = [
            open_test_ticket(org.finanzas, requester=requester, priority=p)
            for p in [org.baja, None, org.alta, org.alta, org.media, None, org.baja]
        ]
    flt = queries.QueueFilter(pipeline=org.finanzas)
    # when read three at a time
    seen, cursor = [], None
    for _page in range(5):
        page = queries.queue_page(
            rosario, flt, after=Cursor.decode(cursor or ""), limit=3
        )
        seen += [t.number for t in page.tickets]
        cursor = page.next_cursor
        if cursor is None:
            break
    # then every ticket shows once, in queue order
    assert sorted(seen) == sorted(t.number for t in made)
    assert len(seen) == len(set(seen)) == 7
    ranks = [
        t.priority.rank if t.priority else 99
        for t in sorted(made, key=lambda t: seen.index(t.number))
    ]
    assert ranks == sorted(ranks)


def test_next_page_link_and_htmx_append(as_rosario, org, requester, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    for _index in range(3):
        open_test_ticket(org.finanzas, requester=requester)
    url = reverse("desk:pipeline", args=[org.finanzas.slug])
    first = as_rosario.get(url)
    cursor = first.context["page"].next_cursor
    assert cursor and f"after={cursor}".encode() in first.content
    more = as_rosario.get(
        url, {"after": cursor}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-more"
    )
    assert more.status_code == 200
    assert b"<tbody" not in more.content and b"<html" not in more.content
    assert more.content.count(b'name="tickets"') == 1


@pytest.mark.parametrize(
    "bad", ["x", "1.2", "1.2.3", "1.2.3.4.5", "-1.5.5.5", "9" * 30 + ".1.1.1"]
)
def test_a_bad_cursor_is_the_first_page(as_rosario, org, spread, bad):
    response = as_rosario.get(
        reverse("desk:pipeline", args=[org.finanzas.slug]), {"after": bad}
    )
    assert response.status_code == 200
    assert len(_numbers(response)) == 5


def test_cursor_round_trips():
    moment = dt.datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    cursor = Cursor(2, queries.NO_DUE, moment, 77)
    assert Cursor.decode(cursor.encode()) == cursor
    cursor = Cursor(2, moment + dt.timedelta(hours=3), moment, 77)
    assert Cursor.decode(cursor.encode()) == cursor


def test_queue_page_queries_do_not_grow_with_tickets(
    as_rosario, org, requester, rosario, django_assert_num_queries
):
    url = reverse("desk:pipeline", args=[org.finanzas.slug])
    for _index in range(3):
        open_test_ticket(
            org.finanzas,
            requester=requester,
            priority=org.alta,
            owner=rosario,
            type=org.adicion,
        )
    as_rosario.get(url)  # warm the session
    with django_assert_num_queries(QUEUE_QUERIES) as few:
        as_rosario.get(url)
    for _index in range(20):
        open_test_ticket(
            org.finanzas,
            requester=requester,
            priority=org.media,
            owner=rosario,
            type=org.rescate,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = as_rosario.get(url)
    assert len(_numbers(response)) == 23


# session, user, agent, pipeline by slug, the page's ids and its rows
# (stage ids from the catalogue), navigation
# (5: pipelines, stage ids, counts per pipeline with the personal ones,
# breaching SLA, saved filters) and the page's catalogue (1: the
# configuration stamp; the tables, the agents' teams among them, are kept by
# the process from the first request). The filter panel is read when
# opened (``test_the_filter_panel_is_read_when_opened``).
QUEUE_QUERIES = 12


def test_nav_counts_are_live_and_scoped(
    as_rosario, org, spread, rosario, django_assert_num_queries
):
    with django_assert_num_queries(5):
        nav = queries.navigation(rosario)
    assert nav.mine == 2
    assert nav.unassigned == 2
    assert [(p.pipeline.name, p.count) for p in nav.pipelines] == [("Finanzas", 5)]
    assert nav.has_triage is False
    polled = as_rosario.get(reverse("desk:nav"), HTTP_HX_REQUEST="true")
    assert b'id="nav"' in polled.content and b"<html" not in polled.content


def test_board_has_a_column_per_stage_but_closed(
    as_rosario, org, classified_ticket, rosario, spread
):
    actions.change_stage(
        classified_ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
    )
    response = as_rosario.get(reverse("desk:board", args=[org.finanzas.slug]))
    columns = response.context["columns"]
    assert [c.stage.name for c in columns] == [
        "Nuevo",
        "En proceso",
        "Acción del cliente",
        "Acción de terceros",
        "Completado",
    ]
    assert [t.number for t in columns[1].tickets] == [classified_ticket.number]
    assert columns[0].count == 5
    assert [t.number for t in columns[0].tickets][:2] == [
        spread["alta-old"].number,
        spread["alta-new"].number,
    ]


def test_board_cards_per_column_are_capped(
    as_rosario, org, requester, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(queries, "BOARD_CARDS_PER_STAGE", 2)
    for _index in range(4):
        open_test_ticket(org.finanzas, requester=requester)
    with django_assert_max_num_queries(13):
        response = as_rosario.get(reverse("desk:board", args=[org.finanzas.slug]))
    first = response.context["columns"][0]
    assert (len(first.tickets), first.count) == (2, 4)


def _closed(org, requester, rosario):
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        subject="Cerrado",
        type=org.rescate,
        reason=org.pagos,
        priority=org.baja,
        team=org.finanzas_team,
        owner=rosario,
    )
    closed = stage(org.finanzas, StageKind.CLOSED)
    return actions.change_stage(ticket, stage=closed, actor=rosario)


def test_bulk_assign_reports_each_refusal(
    as_rosario, org, spread, alonso, rosario, requester
):
    # given a closed ticket among the selection, and one of another pipeline
    closed = _closed(org, requester, rosario)
    chosen = [
        spread["none"].number,
        spread["media"].number,
        closed.number,
        spread["cobranzas"].number,
    ]
    # when she assigns them all to Alonso
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": chosen,
            "action": "owner",
            "owner": alonso.pk,
            "next": "/desk/queues/unassigned/",
        },
        follow=True,
    )
    # then the two she may change are changed, the others are reported
    texts = [str(m) for m in response.context["messages"]]
    assert any("2" in t for t in texts)
    assert any(f"#{closed.number}" in t for t in texts)
    assert any(f"#{spread['cobranzas'].number}" in t for t in texts)
    spread["none"].refresh_from_db()
    spread["cobranzas"].refresh_from_db()
    assert spread["none"].owner == alonso
    assert spread["cobranzas"].owner is None
    assert response.redirect_chain[-1][0] == "/desk/queues/unassigned/"


def test_bulk_move_stage_and_priority(as_rosario, org, classified_ticket, spread):
    open_stage = stage(org.finanzas, StageKind.OPEN)
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [classified_ticket.number, spread["none"].number],
            "action": "stage",
            "stage": open_stage.pk,
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    classified_ticket.refresh_from_db()
    assert classified_ticket.stage == open_stage
    # the unclassified one cannot leave "new" (R-CLS-3), and says so
    assert any(f"#{spread['none'].number}" in t for t in texts)
    as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [spread["none"].number],
            "action": "priority",
            "priority": org.alta.pk,
        },
    )
    spread["none"].refresh_from_db()
    assert spread["none"].priority == org.alta


def test_bulk_needs_a_selection_and_a_value(as_rosario):
    response = as_rosario.post(reverse("desk:bulk"), {"action": "owner"}, follow=True)
    assert len(list(response.context["messages"])) >= 1


def test_bulk_ignores_an_offsite_next(as_rosario, classified_ticket, org):
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [classified_ticket.number],
            "action": "priority",
            "priority": org.baja.pk,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("desk:home")


def test_queue_rows_escape_what_customers_wrote(as_rosario, org, rosario):
    hostile = directory.create_contact(
        name='<b onmouseover="x()">Eve</b>', email="eve@example.com"
    )
    ticket = open_test_ticket(
        org.finanzas,
        requester=hostile,
        subject="<script>alert(1)</script> & más",
        priority=org.alta,
        owner=rosario,
    )
    html = as_rosario.get(reverse("desk:queue", args=["all"])).content.decode()
    assert "<script>alert(1)" not in html and '<b onmouseover="x()">' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; más" in html
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;Eve&lt;/b&gt;" in html
    assert f'<a href="/desk/tickets/{ticket.number}/">{ticket.number}</a>' in html
    assert "Finanzas" in html and "Rosario Quispe" in html


def test_the_filter_panel_is_read_when_opened(as_rosario, org, spread):
    url = reverse("desk:queue", args=["all"])
    html = as_rosario.get(url).content.decode()
    assert 'id="queue-filters"' not in html
    assert 'hx-get="?panel=filters"' in html
    panel = as_rosario.get(url, {"panel": "filters"}, HTTP_HX_REQUEST="true")
    body = panel.content.decode()
    assert 'id="queue-filters"' in body and "<html" not in body
    assert "Finanzas · " in body and "Cobranzas · " not in body
    assert f'name="next" value="{url}"' in body
    assert 'id="bulk"' not in body  # no rows, no bulk form: the panel only
    # An active filter opens the panel, which is read at once.
    html = as_rosario.get(url, {"priority": org.alta.pk}).content.decode()
    assert '<details class="filters" open>' in html
    assert 'id="queue-filters"' not in html
    assert (
        f'hx-get="?priority={org.alta.pk}&amp;panel=filters" hx-trigger="load"'
    ) in html
    panel = as_rosario.get(
        url, {"priority": org.alta.pk, "panel": "filters"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'<option value="{org.alta.pk}" selected>Alta</option>' in panel
    assert f'name="next" value="{url}?priority={org.alta.pk}"' in panel
