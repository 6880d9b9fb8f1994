"""The ticket page: tabs, the forms, refusals, concurrency and presence."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ventanilla.desk import presence
from ventanilla.desk.tests.conftest import signed_in
from ventanilla.pipelines.actions import set_playbook
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.models import EventKind, MessageKind
from ventanilla.tickets.tests.factories import open_test_ticket, stage

pytestmark = pytest.mark.django_db


def _url(ticket, name="ticket", tab=""):
    url = reverse(f"desk:{name}", args=[ticket.number])
    return f"{url}?tab={tab}" if tab else url


def _htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}


def test_header_shows_the_classification(as_rosario, classified_ticket):
    response = as_rosario.get(_url(classified_ticket))
    text = response.content.decode()
    assert response.status_code == 200
    for value in [
        "#" + str(classified_ticket.number),
        "Adición de inversión",
        "Jorge Salas",
        "Inversiones Andinas S.A.C.",
        "Finanzas",
        "Nuevo",
        "Alta",
        "Rosario Quispe",
        "Inversionista - Adición",
        "Pagos",
    ]:
        assert value in text, value


def test_playbook_is_shown_where_the_agent_replies(as_rosario, org, classified_ticket):
    set_playbook(
        org.adicion,
        playbook=org.adicion.playbook,
        guide_url="https://guias.example/adicion",
    )
    text = as_rosario.get(_url(classified_ticket, tab="interactions")).content.decode()
    playbook = text.index("Cerrar ticket y crear un negocio")
    assert "https://guias.example/adicion" in text
    assert playbook < text.index('id="reply-form"')


def test_thread_folds_quotes_and_marks_notes(as_rosario, org, requester, rosario):
    ticket = open_test_ticket(
        org.finanzas,
        requester=requester,
        body_text="Hola",
        quoted_text="> mensaje anterior",
    )
    actions.add_note(ticket, author=rosario, body_text="Llamé al cliente")
    text = as_rosario.get(_url(ticket, tab="interactions")).content.decode()
    assert '<details class="quoted">' in text and "&gt; mensaje anterior" in text
    assert 'class="msg msg-note"' in text and "Llamé al cliente" in text


def test_each_tab_renders_alone_for_htmx(as_rosario, classified_ticket):
    for tab in [
        "summary",
        "interactions",
        "parties",
        "related",
        "attachments",
        "history",
    ]:
        response = as_rosario.get(
            _url(classified_ticket, tab=tab), **_htmx(HTTP_HX_TARGET="tab-panel")
        )
        assert response.status_code == 200
        assert response.content.lstrip().startswith(b'<div id="tab-panel">'), tab


def test_reply_and_stage_change_are_one_submit(as_rosario, org, classified_ticket):
    # given the reply form, with "Acción del cliente" chosen
    waiting = stage(org.finanzas, StageKind.WAITING_CUSTOMER)
    # when she sends it
    response = as_rosario.post(
        _url(classified_ticket, "reply"),
        {
            "body": "Le enviamos el contrato para su firma.",
            "stage": waiting.pk,
            "version": classified_ticket.version,
        },
    )
    # then the reply is saved and the ticket waits on the customer
    assert response.status_code == 302
    classified_ticket.refresh_from_db()
    assert classified_ticket.stage == waiting
    reply = classified_ticket.messages.get(kind=MessageKind.REPLY)
    assert reply.body_text == "Le enviamos el contrato para su firma."
    assert classified_ticket.first_response_at is not None
    kinds = list(classified_ticket.events.values_list("kind", flat=True))
    assert EventKind.REPLY_ADDED in kinds and EventKind.STAGE_CHANGED in kinds


def test_htmx_reply_redirects_the_page(as_rosario, classified_ticket):
    response = as_rosario.post(
        _url(classified_ticket, "reply"),
        {
            "body": "Listo.",
            "version": classified_ticket.version,
        },
        **_htmx(),
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == _url(classified_ticket, tab="interactions")


def test_refused_stage_change_saves_no_reply_either(as_rosario, org, ticket):
    # given an unclassified ticket (R-CLS-3 blocks leaving "new")
    waiting = stage(org.finanzas, StageKind.WAITING_CUSTOMER)
    # when a reply tries to move it
    response = as_rosario.post(
        _url(ticket, "reply"),
        {
            "body": "Respuesta",
            "stage": waiting.pk,
            "version": ticket.version,
        },
        **_htmx(),
    )
    # then the form comes back with the reason, and nothing was saved (R-WF-5)
    assert response.status_code == 422
    assert (
        b'id="reply-form"' in response.content
        and b'class="refusal"' in response.content
    )
    assert b"Respuesta" in response.content  # what she wrote is kept
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    ticket.refresh_from_db()
    assert ticket.stage.kind == StageKind.NEW


def test_refusal_without_htmx_is_the_full_page_with_422(as_rosario, org, ticket):
    waiting = stage(org.finanzas, StageKind.WAITING_CUSTOMER)
    response = as_rosario.post(
        _url(ticket, "reply"),
        {
            "body": "Respuesta",
            "stage": waiting.pk,
            "version": ticket.version,
        },
    )
    assert response.status_code == 422
    assert b"<html" in response.content and b'class="refusal"' in response.content


def test_stale_version_is_refused_with_a_clear_message(
    as_rosario, classified_ticket, alonso, org
):
    # given Rosario opened the ticket at version v, then Alonso changed it
    seen = classified_ticket.version
    actions.set_classification(classified_ticket, actor=alonso, priority=org.baja)
    # when Rosario sends her reply written against version v
    response = as_rosario.post(
        _url(classified_ticket, "reply"),
        {
            "body": "Mi respuesta",
            "version": seen,
        },
        **_htmx(),
    )
    # then it is refused, nothing is overwritten, and she is told why
    assert response.status_code == 422
    assert f"#{classified_ticket.number}".encode() in response.content
    assert not classified_ticket.messages.filter(kind=MessageKind.REPLY).exists()
    for form, data in [
        ("stage", {"stage": stage(org.finanzas, StageKind.OPEN).pk}),
        ("classify", {"scope": "external"}),
        ("move", {"pipeline": org.cobranzas.pk}),
    ]:
        stale = as_rosario.post(
            _url(classified_ticket, form), {**data, "version": seen}, **_htmx()
        )
        assert stale.status_code == 422, form
        assert b'class="refusal"' in stale.content


def test_note_is_internal(as_rosario, classified_ticket):
    response = as_rosario.post(
        _url(classified_ticket, "note"), {"body": "Revisar con Alonso", "version": 1}
    )
    assert response.status_code == 302
    note = classified_ticket.messages.get(kind=MessageKind.NOTE)
    assert note.body_text == "Revisar con Alonso"


def test_empty_reply_is_a_form_error(as_rosario, classified_ticket):
    response = as_rosario.post(
        _url(classified_ticket, "reply"), {"body": "", "version": 1}, **_htmx()
    )
    assert response.status_code == 422
    assert b"field-error" in response.content


def test_reply_with_attachment(as_rosario, classified_ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "contrato.pdf", b"%PDF-1.4 ...", content_type="application/pdf"
    )
    response = as_rosario.post(
        _url(classified_ticket, "reply"),
        {
            "body": "Adjunto el contrato",
            "version": classified_ticket.version,
            "attachments": [upload],
        },
    )
    assert response.status_code == 302
    assert classified_ticket.attachments.get().filename == "contrato.pdf"


def test_classification_form_sets_fields_and_owner(as_rosario, org, ticket, alonso):
    response = as_rosario.post(
        _url(ticket, "classify"),
        {
            "type": org.rescate.pk,
            "reason": org.pagos.pk,
            "priority": org.alta.pk,
            "owner": alonso.pk,
            "team": org.finanzas_team.pk,
            "scope": "internal",
            "version": ticket.version,
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (
        ticket.type,
        ticket.reason,
        ticket.priority,
        ticket.owner,
        ticket.team,
        ticket.scope,
    ) == (org.rescate, org.pagos, org.alta, alonso, org.finanzas_team, "internal")


def test_classification_refused_as_a_whole(as_rosario, org, classified_ticket, rosario):
    # given a ticket past "new"
    actions.change_stage(
        classified_ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
    )
    classified_ticket.refresh_from_db()
    # when the owner is cleared together with a priority change
    response = as_rosario.post(
        _url(classified_ticket, "classify"),
        {
            "type": org.adicion.pk,
            "reason": org.pagos.pk,
            "priority": org.baja.pk,
            "owner": "",
            "team": org.finanzas_team.pk,
            "scope": "external",
            "version": classified_ticket.version,
        },
        **_htmx(),
    )
    # then nothing changes
    assert response.status_code == 422
    classified_ticket.refresh_from_db()
    assert classified_ticket.priority == org.alta
    assert classified_ticket.owner == rosario


def test_change_stage_form(as_rosario, org, classified_ticket):
    open_stage = stage(org.finanzas, StageKind.OPEN)
    response = as_rosario.post(
        _url(classified_ticket, "stage"),
        {"stage": open_stage.pk, "version": classified_ticket.version},
    )
    assert response.status_code == 302
    classified_ticket.refresh_from_db()
    assert classified_ticket.stage == open_stage


def test_stage_of_another_pipeline_is_not_a_choice(as_rosario, org, classified_ticket):
    other = stage(org.cobranzas, StageKind.OPEN)
    response = as_rosario.post(
        _url(classified_ticket, "stage"), {"stage": other.pk, "version": 1}, **_htmx()
    )
    assert response.status_code == 422


def test_move_to_pipeline(as_rosario, org, classified_ticket):
    response = as_rosario.post(
        _url(classified_ticket, "move"),
        {"pipeline": org.cobranzas.pk, "version": classified_ticket.version},
    )
    assert response.status_code == 302
    classified_ticket.refresh_from_db()
    assert classified_ticket.pipeline == org.cobranzas
    assert classified_ticket.team == org.cobranzas_team


def test_merge_into_another_ticket(
    as_rosario, org, requester, classified_ticket, ticket
):
    response = as_rosario.post(
        _url(ticket, "merge"), {"into": classified_ticket.number}
    )
    assert response["Location"] == _url(classified_ticket, tab="interactions")
    ticket.refresh_from_db()
    assert ticket.stage.kind == StageKind.CLOSED
    assert classified_ticket.messages.count() == 2


def test_merge_into_an_unseen_ticket_is_a_form_error(
    as_rosario, org, requester, ticket
):
    hidden = open_test_ticket(org.cobranzas, requester=requester)
    response = as_rosario.post(
        _url(ticket, "merge"), {"into": hidden.number}, **_htmx()
    )
    assert response.status_code == 422
    assert b'id="merge-form"' in response.content
    ticket.refresh_from_db()
    assert ticket.stage.kind == StageKind.NEW


def test_link_tickets_and_see_them_related(as_rosario, ticket, classified_ticket):
    response = as_rosario.post(
        _url(ticket, "link"), {"kind": "related", "other": classified_ticket.number}
    )
    assert response.status_code == 302
    related = as_rosario.get(_url(classified_ticket, tab="related")).content.decode()
    assert f"#{ticket.number}" in related


def test_modifications_tab_reads_as_sentences_in_lima_time(
    as_rosario, org, classified_ticket, rosario
):
    waiting = stage(org.finanzas, StageKind.RESOLVED)
    actions.add_reply(
        classified_ticket, author=rosario, body_text="Resuelto", new_stage=waiting
    )
    response = as_rosario.get(_url(classified_ticket, tab="history"))
    lines = response.context["trail"]
    stage_line = next(
        line for line in lines if line.event.kind == EventKind.STAGE_CHANGED
    )
    assert (stage_line.who, stage_line.old, stage_line.new) == (
        "Rosario Quispe",
        "Nuevo",
        "Completado",
    )
    resolved = next(line for line in lines if line.event.field == "resolved_at")
    lima = timezone.localtime(resolved.event.created_at)
    assert str(lima.year) in resolved.new and "T" not in resolved.new
    assert str(timezone.get_current_timezone()) == "America/Lima"
    text = response.content.decode()
    assert 'Nuevo</span> → <span class="new">Completado' in text


def test_ticket_page_queries_do_not_grow_with_the_thread(
    as_rosario, classified_ticket, rosario, django_assert_num_queries
):
    url = _url(classified_ticket, tab="interactions")
    as_rosario.get(url)
    with django_assert_num_queries(TICKET_QUERIES) as counted:
        as_rosario.get(url)
    for index in range(10):
        actions.add_note(classified_ticket, author=rosario, body_text=f"Nota {index}")
    with django_assert_num_queries(len(counted.captured_queries)):
        as_rosario.get(url)
    history = _url(classified_ticket, tab="history")
    as_rosario.get(history)
    # events instead of messages and attachments
    with django_assert_num_queries(TICKET_QUERIES - 1):
        as_rosario.get(history)


# session, user, agent, the ticket with its requester and company,
# navigation (5), thread (messages, attachments), and the configuration
# stamp (the catalogue's tables are kept by the process from the first
# request: ``desk.catalogue.KEPT``).
TICKET_QUERIES = 13  # includes the SLA row of the header


def test_two_agents_on_one_ticket_see_each_other(rosario, alonso, classified_ticket):
    as_rosario, as_alonso = signed_in(rosario), signed_in(alonso)
    as_rosario.get(_url(classified_ticket))
    page = as_alonso.get(_url(classified_ticket))
    assert page.context["viewers"] == ["Rosario Quispe"]
    assert b"data-collision" in page.content
    poll = as_rosario.get(
        _url(classified_ticket, "viewers") + f"?version={classified_ticket.version}",
        **_htmx(),
    )
    assert b"Alonso Vargas" in poll.content and b"data-collision" in poll.content


def test_presence_expires(rosario, alonso, classified_ticket, monkeypatch):
    presence.viewing(classified_ticket.pk, alonso)
    now = __import__("time").time()
    monkeypatch.setattr(presence.time, "time", lambda: now + presence.TTL_SECONDS + 1)
    assert presence.viewing(classified_ticket.pk, rosario) == []


def test_poll_says_when_the_ticket_changed(as_rosario, classified_ticket, alonso, org):
    seen = classified_ticket.version
    actions.set_classification(classified_ticket, actor=alonso, priority=org.baja)
    poll = as_rosario.get(
        _url(classified_ticket, "viewers") + f"?version={seen}", **_htmx()
    )
    assert b"notice-changed" in poll.content
    assert f"version={seen}".encode() in poll.content  # keeps comparing to what she has


def test_trail_lines_for_every_kind_of_event(
    as_rosario, org, classified_ticket, rosario, ticket, requester
):
    from ventanilla.desk.trail import describe
    from ventanilla.tickets.models import LinkKind

    actions.add_note(classified_ticket, author=rosario, body_text="n")
    actions.add_customer_message(
        classified_ticket, contact=requester, body_text="m", channel="email"
    )
    actions.link_tickets(
        classified_ticket, other=ticket, kind=LinkKind.RELATED, actor=rosario
    )
    actions.set_classification(classified_ticket, actor=rosario, priority=None)
    actions.set_classification(classified_ticket, actor=rosario, priority=org.baja)
    actions.move_to_pipeline(classified_ticket, pipeline=org.cobranzas, actor=rosario)
    lines = [describe(e) for e in classified_ticket.events.all()]
    assert all(line.what for line in lines)
    assert len({line.what for line in lines}) >= 7
    created = lines[0]
    assert "Finanzas" in created.what and created.new == ""
    response = as_rosario.get(_url(classified_ticket, tab="history"))
    assert response.status_code == 404  # moved to Cobranzas: no longer hers


def test_ticket_header_shows_the_clocks_by_side(client, rosario, classified_ticket):
    # given a ticket whose clocks were computed
    from ventanilla.sla.actions import recompute

    recompute(classified_ticket.pk)
    client.force_login(rosario)

    # when
    page = client.get(f"/desk/tickets/{classified_ticket.number}/").content.decode()

    # then the three sides and both targets are in the header
    for label in (
        "De nuestra parte",
        "Del cliente",
        "De terceros",
        "Primera respuesta vence",
        "Resolución vence",
    ):
        assert label in page
    assert "0 h 00 min" in page
