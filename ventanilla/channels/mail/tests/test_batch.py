"""The batch path (``channels.mail.batch``) writes what one-by-one
processing of the same stored messages writes: the same tickets, messages,
attachments, audit entries, routing log and raw-message outcomes.

The reference is the same ``ingest_many`` with every message sent one by
one (``batch._plan`` answering "not here"); both run from the same state,
each rolled back after its snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from ventanilla.channels.mail import batch
from ventanilla.channels.mail.ingest import IngestResult, ingest_many, ingest_raw
from ventanilla.channels.mail.models import InboundMessage, Mailbox, Via
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.channels.mail.tests.support import all_fixture_names, fixture_bytes
from ventanilla.directory.models import Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.pipelines.queries import stage_of_kind
from ventanilla.routing.actions import create_rule
from ventanilla.routing.models import TicketRouting
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketLink,
)

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


@contextmanager
def _rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _untimed(value: str) -> str:
    return "<time>" if re.match(r"\d{4}-\d\d-\d\dT", value) else value


def _snapshot(results: list[IngestResult]) -> dict[str, Any]:
    """Everything ingestion wrote, without ids, times or file paths."""
    numbers = dict(Ticket.objects.values_list("pk", "number"))
    message_ids = dict(Message.objects.values_list("pk", "email_message_id"))
    attachments = dict(Attachment.objects.values_list("pk", "filename"))
    emails = dict(Contact.objects.values_list("pk", "email"))
    links = {
        pk: (numbers[source], numbers[target])
        for pk, source, target in TicketLink.objects.values_list(
            "pk", "source_id", "target_id"
        )
    }
    named = {
        "link_id": links,
        "ticket_id": numbers,
        "message_id": message_ids,
        "attachment_id": attachments,
        "contact_id": emails,
    }

    def data(values: dict[str, Any]) -> dict[str, Any]:
        return {
            key: named[key].get(value, "?") if key in named and value else value
            for key, value in values.items()
        }

    return {
        "results": [(r.outcome, r.ticket, r.message_id) for r in results],
        "tickets": [
            (
                t.number,
                t.subject,
                t.requester.email if t.requester else None,
                str(t.company),
                t.pipeline.name,
                t.stage.name,
                str(t.type),
                str(t.priority),
                str(t.owner),
                str(t.team),
                t.channel,
                t.marked_urgent,
                t.version,
                t.last_customer_message_at is not None,
                sorted(c.email for c in t.cc.all()),
            )
            for t in Ticket.objects.order_by("number")
        ],
        "messages": [
            (
                numbers[m.ticket_id],
                m.kind,
                m.direction,
                m.channel,
                emails.get(m.author_contact_id or 0),
                m.body_text,
                m.body_html,
                m.quoted_text,
                m.email_message_id,
            )
            for m in Message.objects.order_by("ticket__number", "id")
        ],
        "attachments": [
            (
                numbers[a.ticket_id],
                message_ids.get(a.message_id or 0),
                a.filename,
                a.content_type,
                a.size,
                a.sha256,
                a.content_id,
            )
            for a in Attachment.objects.order_by("ticket__number", "id")
        ],
        "events": [
            (
                numbers[e.ticket_id],
                e.kind,
                e.field,
                _untimed(e.old),
                _untimed(e.new),
                e.actor_type,
                e.actor_label,
                data(e.data),
            )
            for e in TicketEvent.objects.order_by("ticket__number", "id")
        ],
        "routing": [
            (numbers[r.ticket_id], r.decision, r.triage_flag, r.errors)
            for r in TicketRouting.objects.order_by("ticket__number")
        ],
        "inbound": [
            (
                r.sha256,
                r.outcome,
                r.reason,
                numbers.get(r.ticket_id or 0),
                message_ids.get(r.ticket_message_id or 0),
                r.attempts,
                r.message_id,
                r.subject,
                r.sender,
            )
            for r in InboundMessage.objects.order_by("sha256")
        ],
        "contacts": sorted(
            Contact.objects.values_list("email", "name", "company__name")
        ),
    }


def _both_ways(
    setup: Callable[[], list[tuple[bytes, Mailbox | None]]],
    monkeypatch: pytest.MonkeyPatch,
    batch_size: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    written: list[tuple[str, int]] = []
    real = tickets.write_customer_messages

    def counted(requests: Any, follow_ons: Any) -> Any:
        written.extend([("opened", len(requests)), ("added", len(follow_ons))])
        return real(requests, follow_ons)

    with _rolled_back(), monkeypatch.context() as patch:
        patch.setattr(batch.tickets, "write_customer_messages", counted)
        mail = setup()
        together = _snapshot(ingest_many(mail, via=Via.IMAP, batch_size=batch_size))
    together["written together"] = {
        kind: sum(n for k, n in written if k == kind) for kind in ("opened", "added")
    }
    with _rolled_back(), monkeypatch.context() as patch:
        patch.setattr(batch, "_plan", lambda item, facts, run: None)
        mail = setup()
        one_by_one = _snapshot(ingest_many(mail, via=Via.IMAP, batch_size=batch_size))
    return together, one_by_one


def _assert_same(together: dict[str, Any], one_by_one: dict[str, Any]) -> None:
    assert set(together) == {*one_by_one, "written together"}
    for part in one_by_one:
        assert together[part] == one_by_one[part], part


@pytest.mark.parametrize("batch_size", [7, 50])
def test_the_mail_corpus_ends_the_same_written_together(
    finanzas_mailbox, requester, monkeypatch, batch_size
):
    # given every fixture of the corpus, some of them replies to others
    def setup() -> list[tuple[bytes, Mailbox | None]]:
        return [(fixture_bytes(name), finanzas_mailbox) for name in all_fixture_names()]

    # when
    together, one_by_one = _both_ways(setup, monkeypatch, batch_size)

    # then
    _assert_same(together, one_by_one)
    written = together["written together"]
    assert written["opened"] > 60
    assert written["added"] >= 1
    outcomes = {outcome for outcome, _number, _id in together["results"]}
    assert outcomes == {"created", "appended", "suppressed", "quarantined", "duplicate"}


def test_every_lane_ends_the_same_written_together(
    org, rosario, finanzas_mailbox, operaciones_mailbox, requester, monkeypatch
):
    # given tickets that are open, waiting on the customer and closed, a
    # rule that classifies urgent mail, and mail for each of them
    create_rule(
        name="Urgentes",
        conditions={"keywords": ["urgente"]},
        actions={"priority": org.alta.pk},
    )

    earlier = {
        name: build_mail(subject=name, message_id=f"<{name}@andinas.example>")
        for name in ("abierto", "espera", "cerrado")
    }
    # the next ticket's number, as each run gives it: the open one's
    open_token = f"[#{Ticket.objects.count() + 10001}]"
    raws = [
        build_mail(subject="Nuevo", message_id="<n1@andinas.example>"),
        build_mail(
            subject="RE: Nuevo",
            in_reply_to="<n1@andinas.example>",
            attachments=[("voucher.pdf", b"%PDF-1.4 x", "application/pdf")],
        ),
        build_mail(subject="Copia", message_id="<n1@andinas.example>"),
        build_mail(subject="URGENTE: abono", cc="ana@textiles.example"),
        build_mail(subject="RE: abierto", in_reply_to="<abierto@andinas.example>"),
        build_mail(subject="RE: espera", in_reply_to="<espera@andinas.example>"),
        build_mail(subject="RE: cerrado", in_reply_to="<cerrado@andinas.example>"),
        build_mail(subject=f"Intruso {open_token}", sender="intruso@otro.example"),
        build_mail(
            subject="Fuera de oficina", headers={"Auto-Submitted": "auto-replied"}
        ),
        build_mail(subject="Boletín", headers={"Precedence": "bulk"}),
        build_mail(subject="De alguien nuevo", sender="nuevo@andinas.example"),
        b"\x00\x01 not mail",
    ]
    for_operaciones = build_mail(subject="Operaciones")

    def setup() -> list[tuple[bytes, Mailbox | None]]:
        for raw in earlier.values():
            ingest_raw(raw, mailbox=finanzas_mailbox, via=Via.PIPE)
        waiting = stage_of_kind(org.finanzas, StageKind.WAITING_CUSTOMER)
        closed = stage_of_kind(org.finanzas, StageKind.CLOSED)
        for name, stage in (("espera", waiting), ("cerrado", closed)):
            ticket = Ticket.objects.get(subject=name)
            tickets.set_classification(
                ticket,
                actor=rosario,
                type=org.adicion,
                reason=org.pagos,
                priority=org.media,
            )
            tickets.assign(ticket, actor=rosario, owner=rosario, team=org.finanzas_team)
            tickets.change_stage(ticket, stage=stage, actor=rosario)
        return [(raw, finanzas_mailbox) for raw in raws] + [
            (for_operaciones, operaciones_mailbox)
        ]

    # when
    together, one_by_one = _both_ways(setup, monkeypatch, batch_size=50)

    # then
    _assert_same(together, one_by_one)
    # Nuevo, URGENTE and the new sender's; the replies to Nuevo and abierto
    assert together["written together"] == {"opened": 3, "added": 2}
    assert [outcome for outcome, _n, _id in together["results"]] == [
        "created",
        "appended",
        "suppressed",
        "created",
        "appended",
        "appended",
        "created",
        "created",
        "suppressed",
        "suppressed",
        "created",
        "quarantined",
        "quarantined",
    ]


@override_settings(VENTANILLA_MAIL_STORM_MAX=3)
def test_a_storm_is_counted_the_same_written_together(
    finanzas_mailbox, requester, monkeypatch
):
    # given a sender who wrote before and now writes five more at once
    before = build_mail(subject="Antes", message_id="<antes@andinas.example>")
    now = [
        build_mail(subject=f"Otra {n}", message_id=f"<otra-{n}@andinas.example>")
        for n in range(5)
    ]

    def setup() -> list[tuple[bytes, Mailbox | None]]:
        ingest_raw(before, mailbox=finanzas_mailbox, via=Via.PIPE)
        return [(raw, finanzas_mailbox) for raw in now]

    # when
    together, one_by_one = _both_ways(setup, monkeypatch, batch_size=2)

    # then: every one of the five sees the other five stored messages
    _assert_same(together, one_by_one)
    assert {outcome for outcome, _n, _id in together["results"]} == {"suppressed"}
    assert together["written together"] == {"opened": 0, "added": 0}
    reasons = [row[2] for row in together["inbound"] if row[1] == "suppressed"]
    assert len(reasons) == 5
    assert all(reason.startswith("storm: 6 ") for reason in reasons)


def _queries_for(count: int, mailbox: Mailbox, prefix: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = build_mail(subject="Primera", message_id=f"<{prefix}-0@andinas.example>")
    ingest_raw(first, mailbox=mailbox, via=Via.PIPE)  # the sender is known
    mail = [
        (
            build_mail(
                subject=f"Consulta {n}",
                message_id=f"<{prefix}-{n}@andinas.example>",
                # every third one answers the first
                in_reply_to=f"<{prefix}-0@andinas.example>" if n % 3 == 0 else "",
                attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")]
                if n % 4 == 0
                else [],
            ),
            mailbox,
        )
        for n in range(1, count + 1)
    ]
    with CaptureQueriesContext(connection) as queries:
        results = ingest_many(mail, via=Via.IMAP, batch_size=count)
    assert {r.outcome for r in results} == {"created", "appended"}
    return len(queries)


@override_settings(VENTANILLA_MAIL_STORM_MAX=1000)
def test_a_batch_costs_the_same_queries_for_8_messages_or_40(
    finanzas_mailbox, requester
):
    # new requests, replies and attachments: the statements of a batch do
    # not grow with its size
    few = _queries_for(8, finanzas_mailbox, "pocos")
    many = _queries_for(40, finanzas_mailbox, "muchos")
    # 1. store: known hashes, savepoint, one insert, release (4)
    # 2. savepoint, claim, rules (3)
    # 3. facts: contacts, threads, locked tickets, two for storms,
    #    copies, our mailboxes (7)
    # 4. savepoint, numbers, stage, tickets, messages, attachments, events,
    #    the followed tickets, routing log, outcomes (one executemany
    #    each), release, release (12)
    assert few == many == 26
