"""Saved filters: saving, live counts in the sidebar, team sharing; new
filter fields (reason, tag, updated range); bulk merge."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ventanilla.desk import queries
from ventanilla.desk.models import SavedFilter
from ventanilla.routing.models import Tag, TicketTag
from ventanilla.tickets import actions
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.tests.factories import open_test_ticket

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[int]:
    return [t.number for t in response.context["page"].tickets]


@pytest.fixture
def mix(org, requester, rosario):
    return {
        "alta-pagos": open_test_ticket(
            org.finanzas,
            requester=requester,
            subject="Pago no reflejado",
            priority=org.alta,
            reason=org.pagos,
        ),
        "media": open_test_ticket(
            org.finanzas, requester=requester, subject="Otra", priority=org.media
        ),
        "cobranzas": open_test_ticket(
            org.cobranzas, requester=requester, subject="Pago", priority=org.alta
        ),
    }


def _save(client, name, params, *, view="all", team=""):
    return client.post(
        reverse("desk:save-filter"),
        {"name": name, "view": view, "share_team": team, "next": "/desk/", **params},
    )


def test_saving_a_filter_lists_it_with_a_live_count(as_rosario, org, mix, requester):
    # when
    response = _save(as_rosario, "Alta", {"priority": org.alta.pk, "q": "pago"})
    # then it opens the queue with its values
    saved = SavedFilter.objects.get(name="Alta")
    assert response.status_code == 302
    assert response["Location"] == saved.get_absolute_url()
    page = as_rosario.get(response["Location"])
    assert _numbers(page) == [mix["alta-pagos"].number]
    # and the sidebar counts what it matches now, never other teams' tickets
    nav = page.context["nav"]
    assert [(s.saved.name, s.count) for s in nav.saved] == [("Alta", 1)]
    open_test_ticket(
        org.finanzas, requester=requester, subject="Pagos", priority=org.alta
    )
    assert queries.navigation(saved.user).saved[0].count == 2


def test_filter_saved_from_my_tickets_follows_whoever_views_it(
    as_rosario, as_lucia, org, requester, rosario, alonso
):
    open_test_ticket(org.finanzas, requester=requester, owner=rosario)
    open_test_ticket(org.finanzas, requester=requester, owner=alonso)
    _save(as_rosario, "Mías", {}, view="mine", team=org.finanzas_team.pk)
    assert queries.navigation(rosario).saved[0].count == 1
    assert queries.navigation(alonso).saved[0].count == 1  # shared with his team
    # Lucía (Servicio) does not get it
    response = as_lucia.get(reverse("desk:queue", args=["mine"]))
    assert response.context["nav"].saved == []


def test_only_the_owner_deletes_a_shared_filter(as_rosario, org, mix, alonso, rosario):
    from ventanilla.desk.tests.conftest import signed_in

    _save(as_rosario, "Equipo", {"priority": org.alta.pk}, team=org.finanzas_team.pk)
    saved = SavedFilter.objects.get()
    as_alonso = signed_in(alonso)
    as_alonso.post(reverse("desk:delete-filter", args=[saved.pk]))
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    as_rosario.post(reverse("desk:delete-filter", args=[saved.pk]))
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_another_agents_private_filter_is_404(as_carmen, as_rosario, org, mix):
    _save(as_rosario, "Privado", {"priority": org.alta.pk})
    saved = SavedFilter.objects.get()
    response = as_carmen.post(reverse("desk:delete-filter", args=[saved.pk]))
    assert response.status_code == 404


def test_saving_refuses_a_nameless_or_foreign_team_filter(as_rosario, org):
    _save(as_rosario, "", {})
    _save(as_rosario, "X", {}, team=org.cobranzas_team.pk)
    assert not SavedFilter.objects.exists()


def test_nav_counts_many_saved_filters_in_one_query(
    rosario, as_rosario, org, mix, django_assert_num_queries
):
    for index in range(6):
        _save(as_rosario, f"F{index}", {"priority": org.alta.pk, "q": "pago"})
    _save(as_rosario, "Riesgo", {}, view="breaching")
    with django_assert_num_queries(6):
        nav = queries.navigation(rosario)
    assert [s.count for s in nav.saved] == [1, 1, 1, 1, 1, 1, 0]


def test_filter_by_reason_tag_and_updated_range(as_rosario, org, mix):
    url = reverse("desk:queue", args=["all"])
    assert _numbers(as_rosario.get(url, {"reason": org.pagos.pk})) == [
        mix["alta-pagos"].number
    ]
    tag = Tag.objects.create(name="VIP")
    TicketTag.objects.create(ticket=mix["media"], tag=tag)
    TicketTag.objects.create(ticket=mix["media"], tag=Tag.objects.create(name="Otro"))
    assert _numbers(as_rosario.get(url, {"tag": tag.pk})) == [mix["media"].number]
    # the day as the desk reads it, in the organisation's time zone (the
    # UTC date is the next day from 19:00 in Lima)
    day = timezone.localdate(mix["media"].updated_at).isoformat()
    both = as_rosario.get(url, {"updated_from": day, "updated_to": day})
    assert len(_numbers(both)) == 2
    assert _numbers(as_rosario.get(url, {"updated_to": "2001-01-01"})) == []


def test_bulk_merge_folds_the_selection_into_one_ticket(
    as_rosario, org, mix, requester
):
    extra = open_test_ticket(org.finanzas, requester=requester, subject="Duplicado")
    target = mix["alta-pagos"]
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [extra.number, mix["media"].number, target.number],
            "action": "merge",
            "merge": target.number,
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("2" in t for t in texts)
    for source in (extra, mix["media"]):
        source.refresh_from_db()
        assert source.stage.kind == "closed"
    assert Ticket.objects.get(pk=target.pk).messages.count() == 3


def test_bulk_merge_into_an_invisible_ticket_is_refused(as_rosario, mix):
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [mix["media"].number],
            "action": "merge",
            "merge": mix["cobranzas"].number,
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any(f"#{mix['cobranzas'].number}" in t for t in texts)
    mix["media"].refresh_from_db()
    assert mix["media"].stage.kind == "new"
    assert Ticket.objects.get(pk=mix["cobranzas"].pk).messages.count() == 1


def test_bulk_merge_needs_a_target_number(as_rosario, mix):
    as_rosario.post(
        reverse("desk:bulk"), {"tickets": [mix["media"].number], "action": "merge"}
    )
    mix["media"].refresh_from_db()
    assert mix["media"].stage.kind == "new"


def test_a_merged_ticket_is_refused_when_closed(as_rosario, org, mix, rosario):
    actions.merge_tickets(mix["media"], into=mix["alta-pagos"], actor=rosario)
    response = as_rosario.post(
        reverse("desk:bulk"),
        {
            "tickets": [mix["media"].number],
            "action": "merge",
            "merge": mix["alta-pagos"].number,
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any(f"#{mix['media'].number}" in t for t in texts)


def test_sidebar_counts_are_reused_briefly_and_dropped_on_own_changes(
    as_rosario, org, mix, requester, settings, django_assert_max_num_queries
):
    settings.VENTANILLA_DESK_NAV_CACHE_SECONDS = 60
    url = reverse("desk:queue", args=["all"])
    nav_url = reverse("desk:nav")
    # with nothing counted yet, a page does not wait for the counts: its
    # sidebar asks for them as soon as it loads
    first = as_rosario.get(url)
    assert first.context["nav"] is None
    assert 'hx-trigger="load, every 30s"' in first.content.decode()
    counted = as_rosario.get(nav_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="nav"' in counted and 'hx-trigger="every 30s"' in counted
    open_test_ticket(org.finanzas, requester=requester, subject="Nueva")
    # a few seconds later the counts kept are shown, in fewer queries
    with django_assert_max_num_queries(13):
        again = as_rosario.get(url)
    assert again.context["nav"].pipelines[0].count == 2
    assert 'hx-trigger="every 30s"' in again.content.decode()
    # saving a filter drops the kept sidebar; the next one counts afresh
    _save(as_rosario, "Alta", {"priority": org.alta.pk})
    assert as_rosario.get(url).context["nav"] is None
    as_rosario.get(nav_url, HTTP_HX_REQUEST="true")
    fresh = as_rosario.get(url).context["nav"]
    assert fresh.pipelines[0].count == 3
    assert [s.saved.name for s in fresh.saved] == ["Alta"]
