"""The calendar feed: an iCalendar document at a secret address, whose
structure no typed text can break."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ventanilla.agenda import actions, ical
from ventanilla.agenda.models import ActivityKind
from ventanilla.directory import actions as directory

HOSTILE = "Llamar, ya;\r\nEND:VCALENDAR\nBEGIN:VEVENT\\ fin"


def _unfold(document: str) -> list[str]:
    """Content lines as RFC 5545 §3.1 reads them back."""
    assert document.endswith("\r\n")
    return document[:-2].replace("\r\n ", "").split("\r\n")


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def _feed_url(token: str) -> str:
    return reverse("agenda:feed", args=[token])


# -- the writer ----------------------------------------------------------------


def test_text_escaping_follows_rfc_5545():
    assert ical.escape_text("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert ical.escape_text("sin\x00control\x1b") == "sincontrol"


@given(st.text(max_size=400))
def test_escaped_text_reads_back_and_stays_on_one_line(text):
    escaped = ical.escape_text(text)
    assert "\r" not in escaped and "\n" not in escaped
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or ord(c) >= 0x20)
    assert _unescape(escaped) == expected


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x20, codec="utf-8"),
        max_size=600,
    )
)
def test_folding_keeps_lines_within_75_octets_and_unfolds_to_the_original(text):
    line = "SUMMARY:" + text
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_folding_never_splits_a_character():
    line = "DESCRIPTION:" + "ñ" * 100 + "€" * 40
    for part in ical.fold(line).split("\r\n"):
        part.encode().decode()  # each part is whole UTF-8
        assert len(part.encode()) <= 75


# -- the address -------------------------------------------------------------


@pytest.mark.django_db
def test_feed_lists_open_activities_as_events(classified_ticket, rosario, alonso, plan):
    # given
    due = dt.datetime(2026, 5, 4, 15, 0, tzinfo=dt.UTC)
    on_ticket = actions.plan_activity(
        actor=rosario,
        ticket=classified_ticket,
        kind=ActivityKind.CALL,
        title="Confirmar firma",
        notes="Preguntar por el anexo 2",
        due_at=due,
    )
    own = plan(rosario, title="Preparar informe")
    actions.complete_activity(plan(rosario, title="Ya hecha"), actor=rosario)
    plan(alonso, title="De Alonso")
    feed = actions.renew_feed_token(user=rosario)

    # when fetched without any session
    response = Client().get(_feed_url(feed.token))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    lines = _unfold(response.content.decode())
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ical.PRODID}"]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert f"UID:activity-{on_ticket.pk}@127.0.0.1" in lines
    assert f"UID:activity-{own.pk}@127.0.0.1" in lines
    assert "DTSTART:20260504T150000Z" in lines
    assert "DTEND:20260504T153000Z" in lines
    number = classified_ticket.number
    assert f"SUMMARY:[#{number}] Confirmar firma" in lines
    assert f"URL:http://testserver/desk/tickets/{number}/?tab=activities" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert _unescape(description.removeprefix("DESCRIPTION:")) == (
        "Llamada\nTicket [#"
        + str(number)
        + "]: Adición de inversión\nCliente: Jorge Salas"
        " <jorge.salas@andinas.example>\n\nPreguntar por el anexo 2"
    )
    assert not any("Ya hecha" in line or "De Alonso" in line for line in lines)


@pytest.mark.django_db
def test_a_hostile_title_cannot_break_the_structure(classified_ticket, rosario):
    # given a title and notes that try to close the calendar
    actions.plan_activity(
        actor=rosario,
        ticket=classified_ticket,
        title=HOSTILE * 3,
        notes=HOSTILE,
        due_at=timezone.now(),
    )
    feed = actions.renew_feed_token(user=rosario)

    # when
    document = Client().get(_feed_url(feed.token)).content.decode()

    # then every physical line is short, CRLF-ended, and the structure holds
    physical = document[:-2].split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical)
    assert "\n" not in document.replace("\r\n", "")
    assert "\r" not in document.replace("\r\n", "")
    lines = _unfold(document)
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
    assert names.count("BEGIN") == names.count("END") == 2
    assert lines[-1] == "END:VCALENDAR"
    assert [line for line in lines if line.startswith(("BEGIN", "END"))] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert _unescape(summary.removeprefix("SUMMARY:")).endswith(
        "Llamar, ya; END:VCALENDAR BEGIN:VEVENT\\ fin"
    )
    notes = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert _unescape(notes.removeprefix("DESCRIPTION:")).endswith(
        HOSTILE.replace("\r\n", "\n")
    )


@pytest.mark.django_db
def test_unknown_or_renewed_tokens_are_not_found(rosario, plan):
    # given
    plan(rosario)
    old = actions.renew_feed_token(user=rosario).token
    assert Client().get(_feed_url(old)).status_code == 200

    # when the address is regenerated
    new = actions.renew_feed_token(user=rosario).token

    # then only the new one works
    assert Client().get(_feed_url(old)).status_code == 404
    assert Client().get(_feed_url(new)).status_code == 200
    assert Client().get(_feed_url("x" * 43)).status_code == 404


@pytest.mark.django_db
def test_feed_of_a_deactivated_agent_is_gone(rosario, plan):
    plan(rosario)
    token = actions.renew_feed_token(user=rosario).token
    directory.deactivate_user(rosario)
    assert Client().get(_feed_url(token)).status_code == 404


@pytest.mark.django_db
def test_entry_uids_are_stable_across_fetches(rosario, plan):
    plan(rosario)
    token = actions.renew_feed_token(user=rosario).token
    first, second = (
        [
            line
            for line in _unfold(Client().get(_feed_url(token)).content.decode())
            if line.startswith("UID:")
        ]
        for _fetch in range(2)
    )
    assert first == second and len(first) == 1
