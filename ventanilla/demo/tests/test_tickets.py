"""The generated tickets show the seeds' workflow.

Generating takes about a second, so each test checks several related
behaviours of one generated demo rather than generating it again.
"""

from __future__ import annotations

import string
from datetime import timedelta

import pytest
from django.utils import timezone

from ventanilla.demo import texts
from ventanilla.demo.tickets import generate_tickets
from ventanilla.directory.models import CompanyKind, Contact, CustomerUser
from ventanilla.pipelines.models import Pipeline, Scope, StageKind
from ventanilla.tickets.models import (
    Attachment,
    Channel,
    LinkKind,
    Message,
    Ticket,
    TicketEvent,
    TicketLink,
)

pytestmark = pytest.mark.django_db

INITIALS = ("FIN", "COB", "OPE", "SOP", "[FIN]", "[COB]", "[OPE]", "[SOP]")
BY_HAND = (Channel.PHONE, Channel.WALK_IN, Channel.INTERNAL)


def _tickets() -> list[Ticket]:
    return list(
        Ticket.objects.select_related(
            "pipeline", "stage", "priority", "type", "company", "owner", "reason"
        ).prefetch_related("events", "type__default_owners")
    )


def test_small_demo_still_shows_every_pipeline_stage_kind_and_priority():
    # when
    created = generate_tickets(count=60)

    # then
    tickets = _tickets()
    assert created == len(tickets) == 60
    assert {t.pipeline.name for t in tickets} == set(
        Pipeline.objects.values_list("name", flat=True)
    )
    assert {t.stage.kind for t in tickets} == set(StageKind.values)
    assert {t.priority.name for t in tickets if t.priority} == {"Alta", "Media", "Baja"}
    # ...spread over the last weeks, never in the future...
    created_at = [t.created_at for t in tickets]
    assert max(created_at) - min(created_at) > timedelta(days=30)
    assert min(created_at) >= timezone.now() - timedelta(days=61)
    assert max(TicketEvent.objects.values_list("created_at", flat=True)) <= (
        timezone.now()
    )
    # ...with numbers in order of arrival...
    by_number = sorted(tickets, key=lambda t: t.number)
    assert [t.created_at for t in by_number] == sorted(created_at)
    # ...and a triage queue still to classify (R-WF-6).
    waiting = [t for t in tickets if t.pipeline.is_triage and t.stage.kind == "new"]
    assert waiting
    assert all(t.type is None and t.owner is None for t in waiting)


def test_tickets_have_a_history_and_follow_the_seed_rules():
    # given
    generate_tickets(count=40)

    # when
    tickets = _tickets()

    # then every ticket has a history that starts when it was created...
    for ticket in tickets:
        events = list(ticket.events.all())
        assert events and events[0].kind == "created", ticket
        assert all(e.created_at >= ticket.created_at for e in events), ticket
        # ...is fully classified once past "new" (R-CLS-3)...
        if ticket.stage.kind != StageKind.NEW:
            classification = (ticket.type, ticket.reason, ticket.priority, ticket.team)
            assert all(classification) and ticket.owner, ticket
        if ticket.type is None or ticket.priority is None:
            continue
        # ...is owned as the type table says (R-CLS-4)...
        defaults = set(ticket.type.default_owners.all())
        assert not defaults or ticket.owner in defaults, ticket
        # ...and prioritised by the seed rules (R-CLS-5).
        if ticket.type.name.startswith("Inversionista"):
            assert ticket.priority.name == "Alta", ticket
        if ticket.company and ticket.company.kind == CompanyKind.AUTHORITY:
            assert ticket.priority.name == "Media", ticket


def test_demo_shows_internal_requests_manual_tickets_and_linked_tickets():
    # when
    generate_tickets(count=40)

    # then staff requests by mail carry their area's initial (R-CLS-2)...
    tickets = _tickets()
    internal = [t for t in tickets if t.scope == Scope.INTERNAL]
    assert all(t.company.kind == CompanyKind.INTERNAL for t in internal)
    by_mail = [t for t in internal if t.channel == Channel.EMAIL]
    assert by_mail
    assert all(t.subject.split()[0].rstrip(":") in INITIALS for t in by_mail)
    # ...Operaciones has no mail of its own: its customers' tickets are
    # registered by hand (R-CAP-1, R-CAP-7)...
    operaciones = [t for t in tickets if t.pipeline.slug == "operaciones"]
    assert operaciones
    assert all(t.channel in BY_HAND or t.scope == Scope.INTERNAL for t in operaciones)
    # ...and follow-ups of closed tickets, merges and links are there.
    follow_up = TicketLink.objects.filter(kind=LinkKind.FOLLOW_UP_OF).first()
    assert follow_up is not None
    assert follow_up.target.stage.kind == StageKind.CLOSED
    assert TicketLink.objects.filter(kind=LinkKind.DUPLICATE_OF).exists()
    assert TicketLink.objects.filter(kind=LinkKind.RELATED).exists()


def test_generating_twice_creates_nothing_new():
    # given
    generate_tickets(count=40)
    models = (Ticket, TicketEvent, Message, Attachment, TicketLink, Contact)
    before = [m.objects.count() for m in (*models, CustomerUser)]

    # when
    created = generate_tickets(count=40)

    # then
    assert created == 0
    assert [m.objects.count() for m in (*models, CustomerUser)] == before


def test_every_text_uses_known_placeholders():
    formatter = string.Formatter()
    for story in texts.STORIES:
        words = (
            *story.subjects,
            *story.bodies,
            story.ask,
            story.answer,
            story.solution,
            *story.notes,
            story.third_party,
        )
        for text in words:
            fields = {name for _, name, _, _ in formatter.parse(text) if name}
            assert fields <= texts.PLACEHOLDERS, (story.key, fields)
    for related in texts.RELATED_STORIES.values():
        for text in (related.subject, related.body):
            fields = {name for _, name, _, _ in formatter.parse(text) if name}
            assert fields <= texts.PLACEHOLDERS, (related.story, fields)


@pytest.mark.django_db(transaction=True)
def test_generated_replies_are_history_and_are_not_mailed_again(mailoutbox):
    # when
    generate_tickets(count=15)

    # then
    assert Message.objects.filter(kind="reply").exists()
    assert mailoutbox == []
