"""The ticket's timeline tab (messages and changes in one column) and the
customer's satisfaction rating on the summary."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ventanilla.pipelines.models import StageKind
from ventanilla.tickets import actions
from ventanilla.tickets.tests.factories import stage

pytestmark = pytest.mark.django_db


def _url(ticket, tab):
    return reverse("desk:ticket", args=[ticket.number]) + f"?tab={tab}"


def test_timeline_tells_the_story_in_order(as_rosario, classified_ticket, rosario):
    actions.add_note(classified_ticket, author=rosario, body_text="Revisar contrato")
    actions.add_reply(
        classified_ticket,
        author=rosario,
        body_text="Le enviamos el formulario de adición.",
        new_stage=stage(classified_ticket.pipeline, StageKind.WAITING_CUSTOMER),
    )

    response = as_rosario.get(_url(classified_ticket, "timeline"))

    entries = response.context["timeline"]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    bodies = [e.message.body_text for e in entries if e.message]
    assert bodies[-2:] == ["Revisar contrato", "Le enviamos el formulario de adición."]
    # The messages stand for their own events; the stage change is a line
    # next to the reply that made it (one action, one moment).
    kinds = [e.line.event.kind for e in entries if e.line]
    assert "reply_added" not in kinds and "note_added" not in kinds
    reply_at = next(
        i
        for i, e in enumerate(entries)
        if e.message and "formulario" in e.message.body_text
    )
    neighbours = [entries[reply_at - 1], *entries[reply_at + 1 : reply_at + 2]]
    assert any(e.line and e.line.event.field == "stage" for e in neighbours)
    text = response.content.decode()
    assert "Revisar contrato" in text and 'class="timeline"' in text


def test_timeline_queries_do_not_grow_with_the_ticket(
    as_rosario, classified_ticket, rosario, django_assert_num_queries
):
    url = _url(classified_ticket, "timeline")
    as_rosario.get(url)
    with CaptureQueriesContext(connection) as before:
        as_rosario.get(url)
    for index in range(8):
        actions.add_note(classified_ticket, author=rosario, body_text=f"Nota {index}")
    with django_assert_num_queries(len(before.captured_queries)):
        as_rosario.get(url)


def test_summary_shows_the_customer_rating(as_rosario, classified_ticket, requester):
    page = as_rosario.get(_url(classified_ticket, "summary")).content.decode()
    assert "Satisfacción del cliente" not in page

    actions.record_satisfaction(
        classified_ticket, score=4, comment="Rápidos y amables", contact=requester
    )

    page = as_rosario.get(_url(classified_ticket, "summary")).content.decode()
    assert "4/5" in page and "Rápidos y amables" in page
