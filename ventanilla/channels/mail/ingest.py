"""The one way mail becomes tickets, behind every ingress (R-CAP-2).

``ingest_raw`` is called by the MTA pipe command, the IMAP poller, the
SMTP/LMTP listener and the HTTP hook alike:

1. Store the raw bytes, with their SHA-256, in their own transaction
   (R-CAP-4). From here on the message cannot be lost; the same bytes again
   are a duplicate and create nothing.
2. Parse (pure). Input that is not mail is quarantined with the reason.
3. Loop and noise control (R-CAP-6): auto-replies, bounces, bulk mail and
   per-sender storms are kept and attached to their ticket when there is
   one, but never open tickets.
4. Threading (R-CAP-3): a reply goes to its ticket (a closed one gets a
   linked follow-up, R-WF-3); anything else opens a ticket in the mailbox's
   pipeline.
5. The ticket work and the raw message's outcome commit together; a crash
   in between leaves the row ``received`` and the next attempt finishes it.

Nothing raised while processing escapes: it ends as a quarantined row with
the reason. Only a failure to store the raw message (step 1) propagates, so
the caller can ask the sender to retry (EX_TEMPFAIL, SMTP 451, HTTP 503).

``ingest_many`` is the same for callers holding many messages at once (an
IMAP poll, a directory of files): every raw message is stored and committed
first, then they are processed in transactions of ``batch_size`` messages
(``channels.mail.batch``: the batch's facts read together, the common
outcomes written together, the rest one by one), so one bad message
quarantines alone and the commit, the SLA recomputation and the
acknowledgement job are paid once per batch. If a batch fails as a whole,
its messages are processed again one by one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.channels.mail import loops
from ventanilla.channels.mail.models import InboundMessage, Mailbox, Outcome, Via
from ventanilla.channels.mail.parsing import (
    ParsedMail,
    UnparseableMail,
    parse,
    raw_sha256,
)
from ventanilla.channels.mail.quoting import split_quoted
from ventanilla.channels.mail.threads import bounced_ticket, find_ticket
from ventanilla.core.queueing import queue_with_change
from ventanilla.directory.actions import contact_for_address
from ventanilla.directory.models import Contact
from ventanilla.routing.actions import route_ticket
from ventanilla.routing.engine import admits_bulk
from ventanilla.routing.queries import (
    compiled_rules,
    facts_for_mail,
    facts_for_ticket,
)
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, Message, Ticket

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"
# A sender's own urgency mark in the subject (R-CLS-5).
_URGENT = re.compile(r"\burgent[e]?\b", re.IGNORECASE)


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # an Outcome value, or "duplicate"
    ticket: int | None
    message_id: str
    inbound_id: int

    def as_json(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "ticket": self.ticket,
            "message_id": self.message_id,
        }


class _Quarantine(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ingest_raw(raw: bytes, *, mailbox: Mailbox | None, via: Via) -> IngestResult:
    """Store ``raw`` for ``mailbox``, then turn it into ticket work."""
    row, created = store_raw(raw, mailbox=mailbox, via=via)
    if not created and row.outcome != Outcome.RECEIVED:
        return IngestResult(DUPLICATE, _number(row), row.message_id, row.pk)
    return process(row.pk, stored=row if created else None)


@contextmanager
def _durable() -> Iterator[None]:
    """Make the commits inside the block survive a power loss.

    PostgreSQL flushes every commit (``synchronous_commit`` is on by
    default). SQLite runs in WAL mode with ``synchronous=NORMAL``
    (config/settings.py), which survives application crashes but may lose
    the last commits on a power loss; the commit that stores a raw
    message, after which the sender is told "stored", is made with
    ``synchronous=FULL`` (the WAL is synced on commit, and with it every
    earlier commit). Later processing commits stay NORMAL: losing one
    leaves the stored message ``received``, to be finished by a retry.
    Inside a caller's transaction the caller's commit decides (SQLite
    cannot change the level there).
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def store_raw(
    raw: bytes, *, mailbox: Mailbox | None, via: Via
) -> tuple[InboundMessage, bool]:
    """Step 1: keep the bytes. Raises if the database cannot take them.

    The insert comes first: new mail (the usual case) costs one statement;
    the unique SHA-256 turns a duplicate into an IntegrityError, and then
    the stored row is read.
    """
    digest = raw_sha256(raw)
    try:
        with _durable(), transaction.atomic():
            row = InboundMessage.objects.create(
                **_new_row(raw, digest, mailbox=mailbox, via=via)
            )
    except IntegrityError:  # stored before, or concurrently
        existing = _by_hash(digest)
        if existing is None:
            raise
        return existing, False
    return row, True


def _new_row(
    raw: bytes, digest: str, *, mailbox: Mailbox | None, via: Via
) -> dict[str, Any]:
    headers = _quick_headers(raw)
    return {
        "mailbox": mailbox,
        "via": via,
        "raw": raw,
        "size": len(raw),
        "sha256": digest,
        "message_id": headers.get("message-id", "")[:998],
        "subject": headers.get("subject", "")[:300],
        "sender": headers.get("from", "")[:320],
    }


def _by_hash(digest: str) -> InboundMessage | None:
    return (
        InboundMessage.objects.defer("raw")
        .select_related("ticket")
        .filter(sha256=digest)
        .first()
    )


# The header block is read from at most this many bytes.
_HEAD_BYTES = 256 * 1024


def _quick_headers(raw: bytes) -> dict[str, str]:
    """A few header fields for listings, read before the real parse."""
    try:
        end = raw.find(b"\n\n", 0, _HEAD_BYTES)
        crlf = raw.find(b"\r\n\r\n", 0, _HEAD_BYTES)
        ends = [e for e in (end, crlf) if e >= 0]
        head_bytes = raw[: min(ends) + 2] if ends else raw[:_HEAD_BYTES]
        head = BytesHeaderParser(policy=compat32).parsebytes(head_bytes)
        fields = {
            name: " ".join(str(head.get(name, "")).split()).replace("\x00", "")
            for name in ("message-id", "subject", "from")
        }
        fields["from"] = parseaddr(fields["from"])[1].lower()
        return fields
    except Exception:  # Listing fields only; the real parse reports problems.
        return {}


def process(inbound_id: int, *, stored: InboundMessage | None = None) -> IngestResult:
    """Steps 2-5 for a stored message; never raises for bad mail.

    ``stored`` is the row ``store_raw`` just created (with its bytes and
    mailbox), to spare reading it again.
    """
    try:
        with transaction.atomic(), tickets.gather_sla_recomputes() as recompute:
            result, acknowledge = _process_locked(inbound_id, stored)
            _queue_jobs(recompute, [acknowledge] if acknowledge else [])
    except _Quarantine as stop:
        return _finish(inbound_id, Outcome.QUARANTINED, stop.reason)
    except Exception as exc:
        logger.exception("inbound message %s could not be processed", inbound_id)
        return _finish(
            inbound_id, Outcome.QUARANTINED, f"{type(exc).__name__}: {exc}"[:500]
        )
    return result


def _finish(
    inbound_id: int, outcome: Outcome, reason: str, *, counted: bool = False
) -> IngestResult:
    """End a message that failed; ``counted``: its attempt was counted
    outside what was rolled back."""
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        if row.outcome == Outcome.RECEIVED:
            row.outcome = outcome
            row.reason = reason[:500]
            row.processed_at = timezone.now()
            if not counted:  # the failed attempt's own count was rolled back
                row.attempts += 1
            row.save(update_fields=["outcome", "reason", "processed_at", "attempts"])
        return IngestResult(row.outcome, _number(row), row.message_id, row.pk)


def already_done(inbound_id: int) -> IngestResult:
    """A message processed by another attempt, as a duplicate of it."""
    done = (
        InboundMessage.objects.defer("raw").select_related("ticket").get(pk=inbound_id)
    )
    return IngestResult(DUPLICATE, _number(done), done.message_id, done.pk)


def _number(row: InboundMessage) -> int | None:
    return row.ticket.number if row.ticket_id and row.ticket else None


def _claim(inbound_id: int) -> bool:
    """Count the attempt on a message not processed yet, holding its row
    lock until commit (PostgreSQL: a concurrent attempt waits, then finds
    it processed); False when it was processed already."""
    return bool(
        InboundMessage.objects.filter(pk=inbound_id, outcome=Outcome.RECEIVED).update(
            attempts=F("attempts") + 1
        )
    )


def _process_locked(
    inbound_id: int, stored: InboundMessage | None, *, claimed: bool = False
) -> tuple[IngestResult, int | None]:
    """Process one message in the caller's transaction; returns the result
    and the id of the ticket message to acknowledge once committed.
    ``claimed``: the caller counted the attempt already (``_claim``)."""
    if not claimed and not _claim(inbound_id):  # finished by a concurrent attempt
        return already_done(inbound_id), None
    row = (
        stored
        if stored is not None
        else InboundMessage.objects.select_related("mailbox__pipeline").get(
            pk=inbound_id
        )
    )
    try:
        mail = parse(bytes(row.raw))
    except UnparseableMail as exc:
        raise _Quarantine(
            _("Not a readable mail message: %(error)s") % {"error": exc}
        ) from exc
    row.message_id = mail.message_id[:998]
    row.subject = mail.subject[:300]
    row.sender = mail.from_address[:320]
    mailbox = row.mailbox
    if mailbox is None:
        raise _Quarantine(_("No mailbox of ours is among the recipients."))
    if not mailbox.is_connected:
        raise _Quarantine(
            _("The mailbox %(address)s is configured but not connected.")
            % {"address": mailbox.address}
        )
    if not mail.from_address:
        raise _Quarantine(_("The message has no sender address."))

    sender = contact_for_address(mail.from_address, name=mail.from_name)
    verdict = loops.classify(mail)
    ticket = find_ticket(mail, sender)
    if ticket is None and verdict.kind is loops.LoopKind.BOUNCE:
        ticket = bounced_ticket(mail)
    if verdict.kind is loops.LoopKind.BULK and bulk_admitted(mail, mailbox):
        # A rule admits this list: a ticket, but never an acknowledgement.
        verdict = loops.LoopVerdict(loops.LoopKind.AUTO_GENERATED, verdict.reason)
    noise = _noise(mail, row, verdict)
    if noise is not None:
        return _save(row, Outcome.SUPPRESSED, ticket=ticket, reason=noise), None

    fields = message_fields(mail)
    if ticket is not None:
        message = tickets.add_customer_message(
            ticket, contact=sender, channel=Channel.EMAIL, **fields
        )
        outcome = (
            Outcome.APPENDED if message.ticket_id == ticket.pk else Outcome.CREATED
        )
        return _save(row, outcome, ticket=message.ticket, message=message), None
    urgent = marked_urgent(mail)
    opened, first = tickets.open_ticket_with_message(
        subject=mail.subject,
        pipeline=mailbox.pipeline,
        channel=Channel.EMAIL,
        actor=sender,
        requester=sender,
        cc=_parties(mail, sender, mailbox),
        marked_urgent=urgent,
        **fields,
    )
    facts = facts_for_ticket(
        opened, mailbox=mailbox.address, urgent=urgent, first_message=first
    )
    opened = route_ticket(opened, facts=facts)
    acknowledge = first.pk if first is not None and verdict.may_acknowledge else None
    return _save(row, Outcome.CREATED, ticket=opened, message=first), acknowledge


def message_fields(mail: ParsedMail) -> dict[str, Any]:
    """What the ticket message of ``mail`` holds: the new text (with a note
    for each attachment over the size limit), the quoted text apart, the
    sanitised HTML, the Message-ID and the attachments to store."""
    new_text, quoted = split_quoted(mail.body_text)
    attachments, skipped = _attachments(mail)
    if skipped:
        new_text = "\n\n".join([new_text, *skipped]).strip()
    return {
        "body_text": new_text,
        "body_html": mail.body_html,
        "quoted_text": quoted,
        "email_message_id": mail.message_id,
        "attachments": attachments,
    }


def marked_urgent(mail: ParsedMail) -> bool:
    """The sender's own urgency mark (R-CLS-5): a header or the subject."""
    return mail.is_urgent or bool(_URGENT.search(mail.subject))


def _queue_jobs(recompute: set[int], acknowledge: list[int]) -> None:
    """Queue the jobs of the ticket work, with it (``core.queueing``): one
    SLA recomputation for the tickets changed and one job acknowledging
    the new requests."""
    if not recompute and not acknowledge:
        return

    def queue() -> None:
        from ventanilla.channels.mail.jobs import send_acknowledgements

        tickets.queue_sla_recompute(recompute)
        if acknowledge:
            send_acknowledgements.enqueue(acknowledge)

    queue_with_change(queue)


# -- many messages at once ---------------------------------------------------


def ingest_many(
    messages: Sequence[tuple[bytes, Mailbox | None]],
    *,
    via: Via,
    batch_size: int = 50,
) -> list[IngestResult]:
    """``ingest_raw`` for each (raw, mailbox), in order, amortising commits.

    1. Every message is stored and committed first (``store_many``): from
       then on none can be lost. A failure to store raises, as in
       ``ingest_raw``, with nothing of the call processed.
    2. The new ones are processed ``batch_size`` at a time, one transaction
       per batch (``channels.mail.batch``: decided together, the common
       cases written together, the rest one by one in savepoints): a
       message that fails is quarantined alone. If the batch itself fails
       (say, the database went away, a deadlock aborted it, or a bug), its
       messages are processed again one by one, each in its own
       transaction.
    3. The batch's SLA recomputation is one job, and its acknowledgements
       are queued in one transaction, once the batch has committed.
    """
    rows = store_many(messages, via=via)
    results: list[IngestResult | None] = [None] * len(rows)
    pending: list[tuple[int, InboundMessage, bool]] = []
    for index, (row, created) in enumerate(rows):
        if not created and row.outcome != Outcome.RECEIVED:
            results[index] = IngestResult(
                DUPLICATE, _number(row), row.message_id, row.pk
            )
        else:
            pending.append((index, row, created))
    size = max(1, batch_size)
    for start in range(0, len(pending), size):
        batch = pending[start : start + size]
        try:
            done = _process_batch([(row, created) for _index, row, created in batch])
        except Exception:  # the database went away, a deadlock, a bug
            logger.exception("mail batch failed; processing it message by message")
            done = [process(row.pk) for _index, row, _created in batch]
        for (index, _row, _created), result in zip(batch, done, strict=True):
            results[index] = result
    return [result for result in results if result is not None]


def _process_batch(batch: list[tuple[InboundMessage, bool]]) -> list[IngestResult]:
    """One transaction for the batch; the common cases are written together
    (``channels.mail.batch``), the rest one by one in savepoints."""
    # Imported here: ``batch`` builds on this module's steps.
    from ventanilla.channels.mail.batch import process_together

    with transaction.atomic(), tickets.gather_sla_recomputes() as recompute:
        results, acknowledge = process_together(batch)
        _queue_jobs(recompute, acknowledge)
    return results


def process_in_savepoint(
    row: InboundMessage, *, stored: bool, claimed: bool = False
) -> tuple[IngestResult, int | None]:
    """``_process_locked`` in a savepoint of the caller's transaction: a
    message that fails is rolled back to it and quarantined alone.
    ``stored``: ``row`` is the row just stored, bytes and mailbox loaded."""
    try:
        with transaction.atomic():
            return _process_locked(row.pk, row if stored else None, claimed=claimed)
    except _Quarantine as stop:
        return _finish(row.pk, Outcome.QUARANTINED, stop.reason, counted=claimed), None
    except Exception as exc:
        logger.exception("inbound message %s could not be processed", row.pk)
        reason = f"{type(exc).__name__}: {exc}"[:500]
        return _finish(row.pk, Outcome.QUARANTINED, reason, counted=claimed), None


def store_many(
    messages: Sequence[tuple[bytes, Mailbox | None]], *, via: Via, chunk: int = 100
) -> list[tuple[InboundMessage, bool]]:
    """Step 1 for many messages: the same as ``store_raw`` for each, in
    order, with one durable commit per ``chunk`` new messages.

    Known hashes are looked up in one query per chunk; the new rows are
    inserted together. If a chunk's insert fails on the unique hash (the
    same bytes arriving concurrently), that chunk is stored one by one.
    """
    stored: list[tuple[InboundMessage, bool]] = []
    for start in range(0, len(messages), chunk):
        part = messages[start : start + chunk]
        digests = [raw_sha256(raw) for raw, _mailbox in part]
        known = {
            row.sha256: row
            for row in InboundMessage.objects.defer("raw")
            .select_related("ticket")
            .filter(sha256__in=set(digests))
        }
        new: dict[str, InboundMessage] = {}
        for (raw, mailbox), digest in zip(part, digests, strict=True):
            if digest not in known and digest not in new:
                new[digest] = InboundMessage(
                    **_new_row(raw, digest, mailbox=mailbox, via=via)
                )
        if new:
            try:
                with _durable(), transaction.atomic():
                    InboundMessage.objects.bulk_create(list(new.values()))
            except IntegrityError:
                stored += [
                    store_raw(raw, mailbox=mailbox, via=via) for raw, mailbox in part
                ]
                continue
        seen: set[str] = set()
        for digest in digests:
            if digest in new and digest not in seen:
                stored.append((new[digest], True))
                seen.add(digest)
            else:
                stored.append((known.get(digest) or new[digest], False))
    return stored


def bulk_admitted(mail: ParsedMail, mailbox: Mailbox) -> bool:
    """Whether an enabled routing rule admits this bulk or list mail."""
    return admits_bulk(facts_for_mail(mail, mailbox), compiled_rules())


def _noise(
    mail: ParsedMail, row: InboundMessage, verdict: loops.LoopVerdict
) -> str | None:
    """Why this message must not open a ticket or be added, or None.

    1. Loop control (R-CAP-6): auto-replies, bounces and bulk mail, and a
       storm of messages from one sender.
    2. The same Message-ID with other bytes: a redelivery or a copy sent
       to two of our mailboxes. Kept, but not added twice.

    Both counts come from one query.
    """
    if verdict.kind in loops.NEVER_OPENS_TICKETS:
        return noise_reason(mail, verdict, recent=0, delivered=None)
    recent = Q(
        sender=mail.from_address, received_at__gte=row.received_at - storm_window()
    )
    counts: dict[str, Any] = {"recent": Count("pk", filter=recent)}
    where = recent
    if keeps_message_id(mail):
        delivered = Q(message_id=mail.message_id, outcome__in=DELIVERED)
        counts["delivered"] = Count("pk", filter=delivered)
        counts["number"] = Min("ticket__number", filter=delivered)
        where = recent | delivered
    found = InboundMessage.objects.filter(where).exclude(pk=row.pk).aggregate(**counts)
    number = (found["number"] or "?") if found.get("delivered") else None
    return noise_reason(mail, verdict, recent=found["recent"], delivered=number)


# A message with one of these outcomes is in a ticket.
DELIVERED = (Outcome.CREATED, Outcome.APPENDED)


def storm_window() -> timedelta:
    return timedelta(minutes=settings.VENTANILLA_MAIL_STORM_WINDOW_MINUTES)


def keeps_message_id(mail: ParsedMail) -> bool:
    """Whether ``mail``'s Message-ID is its sender's (not one we made up),
    so that another message with it is a copy."""
    return bool(mail.message_id) and not mail.message_id_generated


def noise_reason(
    mail: ParsedMail,
    verdict: loops.LoopVerdict,
    *,
    recent: int,
    delivered: int | str | None,
) -> str | None:
    """``_noise`` from its counts: ``recent`` other messages from the
    sender within the storm window, and the ticket number (or "?") of a
    message already delivered with the same Message-ID, else None."""
    if verdict.kind in loops.NEVER_OPENS_TICKETS:
        return f"{verdict.kind}: {verdict.reason}"
    if recent >= settings.VENTANILLA_MAIL_STORM_MAX:
        return _("storm: %(count)s messages from %(sender)s in %(minutes)s minutes") % {
            "count": recent + 1,
            "sender": mail.from_address,
            "minutes": settings.VENTANILLA_MAIL_STORM_WINDOW_MINUTES,
        }
    if delivered is not None:
        return _("duplicate Message-ID, already in ticket #%(number)s") % {
            "number": delivered
        }
    return None


def _attachments(mail: ParsedMail) -> tuple[list[NewAttachment], list[str]]:
    """Attachments to store, and a note for each one over the size limit."""
    limit = settings.VENTANILLA_MAX_ATTACHMENT_BYTES
    kept, skipped = [], []
    for item in mail.attachments:
        if not item.content:
            continue
        if len(item.content) > limit:
            skipped.append(
                _(
                    "[Attachment %(name)s (%(size)s) was not stored: "
                    "over the %(limit)s limit.]"
                )
                % {
                    "name": item.filename,
                    "size": filesizeformat(len(item.content)),
                    "limit": filesizeformat(limit),
                }
            )
            continue
        kept.append(
            NewAttachment(
                filename=item.filename,
                content=item.content,
                content_type=item.content_type,
                content_id=item.content_id or "",
            )
        )
    return kept, skipped


def _parties(mail: ParsedMail, sender: Contact, mailbox: Mailbox) -> list[Contact]:
    """Everyone else the customer wrote to, except our own mailboxes."""
    addresses = other_recipients(mail, sender, mailbox)
    if not addresses:
        return []
    ours = set(
        Mailbox.objects.filter(address__in=addresses).values_list("address", flat=True)
    )
    return [contact_for_address(a) for a in addresses if a not in ours][:50]


def other_recipients(mail: ParsedMail, sender: Contact, mailbox: Mailbox) -> list[str]:
    """The addresses ``mail`` went to besides its sender and ``mailbox``."""
    return [
        a
        for a in dict.fromkeys((*mail.to, *mail.cc))
        if a and a != sender.email and a != mailbox.address
    ]


def _save(
    row: InboundMessage,
    outcome: Outcome,
    *,
    ticket: Ticket | None = None,
    message: Message | None = None,
    reason: str = "",
) -> IngestResult:
    row.outcome = outcome
    row.reason = reason[:500]
    row.ticket = ticket
    row.ticket_message = message
    row.processed_at = timezone.now()
    row.save(update_fields=OUTCOME_FIELDS)
    return IngestResult(outcome, _number(row), row.message_id, row.pk)


# What processing writes on a raw message.
OUTCOME_FIELDS = [
    "outcome",
    "reason",
    "ticket",
    "ticket_message",
    "processed_at",
    "message_id",
    "subject",
    "sender",
]
