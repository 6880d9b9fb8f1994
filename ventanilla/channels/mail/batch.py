"""A batch of stored mail, processed together (``ingest.ingest_many``).

Processing one message at a time costs 16-24 statements, most of them
reading what the message's neighbours in the batch read too. Here the
batch's facts are read with one query per kind for all of its messages
(the senders' contacts, the tickets their references and subject tokens
point to, locked; earlier mail from the same senders; copies of the same
Message-ID), every message is decided in order from those facts exactly
as ``ingest._process_locked`` decides it, and the common outcomes are
written together:

- a new request: its ticket, first message, attachments and audit entries
  (``tickets.actions.write_customer_messages``), then routing: a decision
  that changes nothing is logged with the others in one insert; one that
  does is applied per ticket (``routing.actions.apply_decision``);
- a message to a ticket that stays in its stage (new, open, waiting on a
  third party): the same writer;
- a message that is only recorded (loop control, storms, a copy of a
  delivered Message-ID).

Everything else goes through ``ingest._process_locked``, one by one, in
order, after what was decided before it is written: unreadable mail, mail
for a mailbox that is missing or not connected, bounces and bulk mail, a
reply to a closed ticket (a follow-up) or to one waiting on the customer or
resolved (reopened), a sender whose right to write to a ticket needs a look
at its parties, and a message that depends on one decided just before it
(a reply to it, or a copy of its Message-ID).

A run of messages written together is one savepoint: if writing it fails,
it is rolled back and its messages go one by one, so a bad message is
quarantined alone, as on the single path.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from ventanilla.channels.mail import loops
from ventanilla.channels.mail.ingest import (
    DELIVERED,
    OUTCOME_FIELDS,
    IngestResult,
    already_done,
    keeps_message_id,
    marked_urgent,
    message_fields,
    noise_reason,
    other_recipients,
    process_in_savepoint,
    storm_window,
)
from ventanilla.channels.mail.models import InboundMessage, Mailbox, Outcome
from ventanilla.channels.mail.parsing import ParsedMail, parse
from ventanilla.channels.mail.subjects import ticket_token
from ventanilla.channels.mail.threads import plainly_may_write_to, thread_ids
from ventanilla.core.rows import update_rows
from ventanilla.directory.actions import contact_for_address
from ventanilla.directory.models import Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.routing.actions import apply_decision, log_quiet_decisions
from ventanilla.routing.engine import Decision, decide
from ventanilla.routing.queries import compiled_rules, facts_for_ticket
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import Channel, Message, Ticket

logger = logging.getLogger(__name__)

# Stages a customer's message leaves as they are (R-WF-2, R-WF-3 otherwise).
_STAYS = frozenset({StageKind.NEW, StageKind.OPEN, StageKind.WAITING_THIRD_PARTY})


def process_together(
    batch: Sequence[tuple[InboundMessage, bool]],
) -> tuple[list[IngestResult], list[int]]:
    """Process ``batch`` (rows and whether each was just stored, with its
    bytes and mailbox) in the caller's transaction; returns the results in
    order and the ids of the ticket messages to acknowledge on commit."""
    results: dict[int, IngestResult] = {}
    acknowledge: list[int] = []
    claimed = _claim_all([row.pk for row, _created in batch])
    todo: list[_Item] = []
    repeats: list[tuple[int, int]] = []  # the same row again: a duplicate
    seen: set[int] = set()
    for index, (row, created) in enumerate(batch):
        if row.pk not in claimed:
            results[index] = already_done(row.pk)
        elif row.pk in seen:
            repeats.append((index, row.pk))
        else:
            seen.add(row.pk)
            todo.append(_Item(index, row, created, _parse(row) if created else None))
    rules = compiled_rules()
    facts: _Facts | None = None
    while todo:
        # Read again after a message went one by one (what it changed is
        # not known here); after a run written together, its own tickets
        # and messages are added to the facts instead.
        facts = facts or _Facts.read(todo)
        run = _Run()
        rest: list[_Item] = []
        stale = False
        for position, item in enumerate(todo):
            try:
                plan = _plan(item, facts, run)
            except Exception:  # the one-by-one path quarantines it, with why
                logger.exception("inbound message %s: deciding failed", item.row.pk)
                plan = None
            if isinstance(plan, _Later):  # decided once the run is written
                rest = todo[position:]
                break
            if plan is None:  # one by one, after the run before it
                _write(run, rules, results, acknowledge)
                result, ack = process_in_savepoint(
                    item.row, stored=item.created, claimed=True
                )
                results[item.index] = result
                acknowledge += [ack] if ack is not None else []
                rest = todo[position + 1 :]
                stale = True
                break
            run.add(item, plan)
        delivered = _write(run, rules, results, acknowledge)
        if stale or delivered is None:
            facts = None
        else:
            facts.learn(delivered)
        todo = rest
    for index, pk in repeats:
        results[index] = already_done(pk)
    return [results[index] for index in range(len(batch))], acknowledge


def _claim_all(ids: list[int]) -> set[int]:
    """``ingest._claim`` for every row at once: the ids whose attempt was
    counted (rows processed meanwhile by someone else are left out)."""
    if not ids:
        return set()
    table = connection.ops.quote_name(InboundMessage._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "attempts" = "attempts" + 1 '  # noqa: S608 - our own table
            f'WHERE "outcome" = %s AND "id" IN ({marks}) RETURNING "id"',
            [Outcome.RECEIVED, *ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _parse(row: InboundMessage) -> ParsedMail | None:
    try:
        return parse(bytes(row.raw))
    except Exception:  # UnparseableMail or a bug: one by one, with the reason
        return None


# -- what a message is -------------------------------------------------------


@dataclass
class _Item:
    index: int
    row: InboundMessage
    created: bool
    mail: ParsedMail | None


@dataclass
class _New:
    mail: ParsedMail
    sender: Contact
    cc: list[Contact]
    fields: dict[str, Any]
    urgent: bool
    acknowledge: bool


@dataclass
class _Append:
    mail: ParsedMail
    sender: Contact
    ticket: Ticket
    fields: dict[str, Any]


@dataclass
class _Suppress:
    mail: ParsedMail
    ticket: Ticket | None
    reason: str


class _Later:
    """Not decided here: ``_DEPENDS`` (once the run before it is written)."""


_Plan = _New | _Append | _Suppress
_DEPENDS = _Later()


@dataclass
class _Facts:
    """What the database says about the messages of a batch still to go."""

    contacts: dict[str, Contact]
    # Message-ID -> ticket id, for the batch's In-Reply-To and References.
    threads: dict[str, int]
    # Locked tickets: those the threads point to, and by number the ones
    # the subjects' tokens name.
    tickets: dict[int, Ticket]
    numbers: dict[int, Ticket]
    arrivals: _Arrivals
    # Message-ID -> lowest ticket number of a delivered message with it.
    delivered: dict[str, int | None]
    ours: set[str]

    @classmethod
    def read(cls, items: Sequence[_Item]) -> _Facts:
        mails = [item.mail for item in items if item.mail is not None]
        addresses = {m.from_address for m in mails if m.from_address}
        addresses |= {a for m in mails for a in (*m.to, *m.cc) if a}
        contacts = {
            c.email.lower(): c
            for c in Contact.objects.select_related("company").filter(
                email__in=addresses
            )
        }
        referenced = {i for m in mails for i in thread_ids(m)}
        threads: dict[str, int] = {}
        if referenced:
            # The newest message with an id, where several have it.
            for message_id, ticket_id in (
                Message.objects.filter(email_message_id__in=referenced)
                .order_by("id")
                .values_list("email_message_id", "ticket_id")
            ):
                threads[message_id] = ticket_id
        tokens = {n for m in mails if (n := ticket_token(m.subject)) is not None}
        tickets: dict[int, Ticket] = {}
        if threads or tokens:
            for ticket in _locked(set(threads.values()), tokens):
                tickets[ticket.pk] = ticket
        numbers = {t.number: t for t in tickets.values() if t.number in tokens}
        return cls(
            contacts=contacts,
            threads=threads,
            tickets=tickets,
            numbers=numbers,
            arrivals=_Arrivals.read(items),
            delivered=_delivered(mails),
            ours={a.lower() for a in Mailbox.objects.values_list("address", flat=True)},
        )

    def learn(self, delivered: Iterable[tuple[str, Ticket]]) -> None:
        """Add what a run written together delivered: its Message-IDs,
        their tickets (new ones, or followed ones as they are now) and
        those tickets' numbers."""
        for message_id, ticket in delivered:
            self.threads[message_id] = ticket.pk
            self.tickets[ticket.pk] = ticket
            self.numbers[ticket.number] = ticket
            known = self.delivered.get(message_id)
            self.delivered[message_id] = min(known or ticket.number, ticket.number)

    def contact(self, address: str, name: str = "") -> Contact:
        found = self.contacts.get(address.lower())
        if found is None:  # first mail from them: created as one by one
            found = self.contacts[address.lower()] = contact_for_address(
                address, name=name
            )
        return found


def _locked(ids: set[int], numbers: set[int]) -> Iterable[Ticket]:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("stage", "pipeline")
        .filter(Q(pk__in=ids) | Q(number__in=numbers))
    )


@dataclass
class _Arrivals:
    """Stored messages per sender, for each item's storm count: the same
    count as ``ingest._noise`` (the sender's other messages received
    since the item's arrival minus the window), from two queries for the
    batch instead of one per item."""

    # Every item counts every message received since ``since_all``.
    since_all: datetime
    counted: dict[str, int]
    # The batch's own messages among those (an item does not count itself),
    # and the ones received between the oldest item's window and
    # ``since_all``, which only some items count.
    edges: dict[str, list[tuple[datetime, int]]]

    @classmethod
    def read(cls, items: Sequence[_Item]) -> _Arrivals:
        senders = {i.mail.from_address for i in items if i.mail and i.mail.from_address}
        window = storm_window()
        since_all = max((i.row.received_at for i in items), default=timezone.now())
        since_all -= window
        if not senders:
            return cls(since_all, {}, {})
        since_any = min(item.row.received_at for item in items) - window
        theirs = InboundMessage.objects.filter(sender__in=senders)
        counted = dict(
            theirs.filter(received_at__gte=since_all)
            .values("sender")
            .annotate(n=Count("pk"))
            .values_list("sender", "n")
        )
        edges: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        for sender, at, pk in (
            theirs.filter(received_at__gte=since_any)
            .filter(Q(received_at__lt=since_all) | Q(pk__in=[i.row.pk for i in items]))
            .values_list("sender", "received_at", "pk")
        ):
            edges[sender].append((at, pk))
        return cls(since_all, counted, edges)

    def count(self, row: InboundMessage, sender: str) -> int:
        since = row.received_at - storm_window()
        found = self.counted.get(sender, 0)
        for at, pk in self.edges.get(sender, ()):
            if at >= self.since_all:
                found -= pk == row.pk
            elif at >= since and pk != row.pk:
                found += 1
        return found


def _delivered(mails: Sequence[ParsedMail]) -> dict[str, int | None]:
    ids = {m.message_id for m in mails if keeps_message_id(m)}
    if not ids:
        return {}
    return dict(
        InboundMessage.objects.filter(message_id__in=ids, outcome__in=DELIVERED)
        .values("message_id")
        .annotate(number=Min("ticket__number"))
        .values_list("message_id", "number")
    )


# -- deciding ----------------------------------------------------------------


@dataclass
class _Run:
    """Messages decided and not written yet, in order."""

    items: list[tuple[_Item, _Plan]] = field(default_factory=list)
    # Message-IDs the run will deliver, and whether it opens tickets.
    message_ids: set[str] = field(default_factory=set)
    opens: bool = False

    def add(self, item: _Item, plan: _Plan) -> None:
        self.items.append((item, plan))
        if isinstance(plan, _New | _Append):
            self.message_ids.add(plan.mail.message_id)
        self.opens = self.opens or isinstance(plan, _New)


def _plan(item: _Item, facts: _Facts, run: _Run) -> _Plan | _Later | None:
    """How ``item`` goes: a plan to write with the run, ``_DEPENDS`` when it
    needs the run written first, or None for the one-by-one path. Mirrors
    ``ingest._process_locked`` step by step."""
    mail, row = item.mail, item.row
    if mail is None or not item.created:
        return None
    mailbox = row.mailbox
    if mailbox is None or not mailbox.is_connected or not mail.from_address:
        return None  # quarantined, with the reason, one by one
    ids = thread_ids(mail)
    number = ticket_token(mail.subject)
    if run.message_ids.intersection(ids) or (
        keeps_message_id(mail) and mail.message_id in run.message_ids
    ):
        return _DEPENDS
    if number is not None and number not in facts.numbers and run.opens:
        return _DEPENDS  # a number the run may be about to give
    verdict = loops.classify(mail)
    if verdict.kind in (loops.LoopKind.BOUNCE, loops.LoopKind.BULK):
        return None  # bounced_ticket, bulk_admitted: one by one
    sender = facts.contact(mail.from_address, mail.from_name)
    try:
        ticket = _thread(mail, ids, number, sender, facts)
    except _Unsure:
        return None
    row.message_id = mail.message_id[:998]
    row.subject = mail.subject[:300]
    row.sender = mail.from_address[:320]
    copy_of = None
    if keeps_message_id(mail) and mail.message_id in facts.delivered:
        copy_of = facts.delivered[mail.message_id] or "?"  # its ticket was deleted
    noise = noise_reason(
        mail,
        verdict,
        recent=facts.arrivals.count(row, mail.from_address),
        delivered=copy_of,
    )
    if noise is not None:
        return _Suppress(mail, ticket, noise)
    fields = message_fields(mail)
    if ticket is not None:
        if ticket.stage.kind not in _STAYS:
            return None  # a follow-up, or reopened: one by one
        return _Append(mail, sender, ticket, fields)
    cc = [
        facts.contact(address)
        for address in other_recipients(mail, sender, mailbox)
        if address not in facts.ours
    ][:50]
    return _New(mail, sender, cc, fields, marked_urgent(mail), verdict.may_acknowledge)


class _Unsure(Exception):
    """The sender's right to write to a ticket needs a look at its parties."""


def _thread(
    mail: ParsedMail,
    ids: list[str],
    number: int | None,
    sender: Contact,
    facts: _Facts,
) -> Ticket | None:
    """``threads.find_ticket`` from the facts (its first candidate decides
    here: one the sender may write to by being its requester or of its
    company; any other goes one by one)."""
    candidates = [
        ticket
        for i in ids
        if i in facts.threads
        and (ticket := facts.tickets.get(facts.threads[i])) is not None
    ]
    if number is not None and number in facts.numbers:
        candidates.append(facts.numbers[number])
    for ticket in candidates:
        if plainly_may_write_to(sender, ticket):
            return ticket
        raise _Unsure  # copied on it, or wrote to it before: a query
    return None


# -- writing -----------------------------------------------------------------


def _write(
    run: _Run,
    rules: Any,
    results: dict[int, IngestResult],
    acknowledge: list[int],
) -> list[tuple[str, Ticket]] | None:
    """Write the run in a savepoint; returns the Message-IDs it delivered
    with their tickets. If writing fails, its messages go one by one, and
    None says that what they did is not known here."""
    items, run.items = run.items, []
    if not items:
        return []
    try:
        with transaction.atomic():
            written, acks, delivered = _write_run(items, rules)
    except Exception:
        logger.exception("a run of %s messages failed; one by one", len(items))
        for item, _unwritten in items:
            result, ack = process_in_savepoint(
                item.row, stored=item.created, claimed=True
            )
            results[item.index] = result
            acknowledge += [ack] if ack is not None else []
        return None
    results.update(written)
    acknowledge += acks
    return delivered


def _write_run(
    items: list[tuple[_Item, _Plan]], rules: Any
) -> tuple[dict[int, IngestResult], list[int], list[tuple[str, Ticket]]]:
    news = [(item, plan) for item, plan in items if isinstance(plan, _New)]
    appends = [(item, plan) for item, plan in items if isinstance(plan, _Append)]
    opened, added = tickets.write_customer_messages(
        [
            tickets.Request(
                subject=plan.mail.subject,
                pipeline=_mailbox(item).pipeline,
                requester=plan.sender,
                channel=Channel.EMAIL,
                cc=plan.cc,
                marked_urgent=plan.urgent,
                **plan.fields,
            )
            for item, plan in news
        ],
        [
            tickets.FollowOn(
                ticket=plan.ticket,
                contact=plan.sender,
                channel=Channel.EMAIL,
                **plan.fields,
            )
            for _item, plan in appends
        ],
    )
    now = timezone.now()
    done: list[InboundMessage] = []
    results: dict[int, IngestResult] = {}
    acks: list[int] = []

    def finish(
        item: _Item,
        outcome: Outcome,
        ticket: Ticket | None,
        message: Message | None = None,
        reason: str = "",
    ) -> None:
        row = item.row
        row.outcome, row.reason = outcome, reason[:500]
        row.ticket, row.ticket_message, row.processed_at = ticket, message, now
        done.append(row)
        number = ticket.number if ticket else None
        results[item.index] = IngestResult(outcome, number, row.message_id, row.pk)

    quiet: list[tuple[Ticket, Decision]] = []
    for (item, plan), (ticket, first) in zip(news, opened, strict=True):
        facts = facts_for_ticket(
            ticket,
            mailbox=_mailbox(item).address,
            urgent=plan.urgent,
            first_message=first,
        )
        decision = decide(facts, rules)
        if decision.choices() or decision.tags or decision.triage_flag:
            ticket = apply_decision(ticket, decision)
        else:
            quiet.append((ticket, decision))
        finish(item, Outcome.CREATED, ticket, first)
        if plan.acknowledge:
            acks.append(first.pk)
    log_quiet_decisions(quiet)
    for (item, append), message in zip(appends, added, strict=True):
        finish(item, Outcome.APPENDED, append.ticket, message)
    for item, planned in items:
        if isinstance(planned, _Suppress):
            finish(item, Outcome.SUPPRESSED, planned.ticket, reason=planned.reason)
    update_rows(done, OUTCOME_FIELDS)
    delivered = [
        (row.message_id, row.ticket)
        for row in done
        if row.ticket is not None and row.outcome in DELIVERED
    ]
    return results, acks, delivered


def _mailbox(item: _Item) -> Mailbox:
    mailbox = item.row.mailbox
    assert mailbox is not None  # noqa: S101 - _plan sent those one by one
    return mailbox
