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
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
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
from ventanilla.directory.actions import contact_for_address
from ventanilla.directory.models import Contact
from ventanilla.routing.actions import route_ticket
from ventanilla.routing.engine import admits_bulk
from ventanilla.routing.queries import compiled_rules, facts_for_mail
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
    return process(row.pk)


def store_raw(
    raw: bytes, *, mailbox: Mailbox | None, via: Via
) -> tuple[InboundMessage, bool]:
    """Step 1: keep the bytes. Raises if the database cannot take them."""
    digest = raw_sha256(raw)
    existing = _by_hash(digest)
    if existing is not None:
        return existing, False
    headers = _quick_headers(raw)
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                mailbox=mailbox,
                via=via,
                raw=raw,
                size=len(raw),
                sha256=digest,
                message_id=headers.get("message-id", "")[:998],
                subject=headers.get("subject", "")[:300],
                sender=headers.get("from", "")[:320],
            )
    except IntegrityError:  # the same bytes arrived concurrently
        return InboundMessage.objects.defer("raw").get(sha256=digest), False
    return row, True


def _by_hash(digest: str) -> InboundMessage | None:
    return (
        InboundMessage.objects.defer("raw")
        .select_related("ticket")
        .filter(sha256=digest)
        .first()
    )


def _quick_headers(raw: bytes) -> dict[str, str]:
    """A few header fields for listings, read before the real parse."""
    try:
        head = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
        fields = {
            name: " ".join(str(head.get(name, "")).split()).replace("\x00", "")
            for name in ("message-id", "subject", "from")
        }
        fields["from"] = parseaddr(fields["from"])[1].lower()
        return fields
    except Exception:  # Listing fields only; the real parse reports problems.
        return {}


def process(inbound_id: int) -> IngestResult:
    """Steps 2-5 for a stored message; never raises for bad mail."""
    try:
        with transaction.atomic():
            return _process_locked(inbound_id)
    except _Quarantine as stop:
        return _finish(inbound_id, Outcome.QUARANTINED, stop.reason)
    except Exception as exc:
        logger.exception("inbound message %s could not be processed", inbound_id)
        return _finish(
            inbound_id, Outcome.QUARANTINED, f"{type(exc).__name__}: {exc}"[:500]
        )


def _finish(inbound_id: int, outcome: Outcome, reason: str) -> IngestResult:
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        if row.outcome == Outcome.RECEIVED:
            row.outcome = outcome
            row.reason = reason[:500]
            row.processed_at = timezone.now()
            row.attempts += 1  # the failed attempt's own count was rolled back
            row.save(update_fields=["outcome", "reason", "processed_at", "attempts"])
        return IngestResult(row.outcome, _number(row), row.message_id, row.pk)


def _number(row: InboundMessage) -> int | None:
    return row.ticket.number if row.ticket_id and row.ticket else None


def _process_locked(inbound_id: int) -> IngestResult:
    row = (
        InboundMessage.objects.select_for_update(of=("self",))
        .select_related("mailbox__pipeline")
        .get(pk=inbound_id)
    )
    if row.outcome != Outcome.RECEIVED:  # finished by a concurrent attempt
        return IngestResult(DUPLICATE, _number(row), row.message_id, row.pk)
    row.attempts += 1
    row.save(update_fields=["attempts"])
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
    if noise is None and mail.message_id and not mail.message_id_generated:
        noise = _already_delivered(mail.message_id, row)
    if noise is not None:
        return _save(row, Outcome.SUPPRESSED, ticket=ticket, reason=noise)

    new_text, quoted = split_quoted(mail.body_text)
    attachments, skipped = _attachments(mail)
    if skipped:
        new_text = "\n\n".join([new_text, *skipped]).strip()
    fields: dict[str, Any] = {
        "body_text": new_text,
        "body_html": mail.body_html,
        "quoted_text": quoted,
        "email_message_id": mail.message_id,
        "attachments": attachments,
    }
    if ticket is not None:
        message = tickets.add_customer_message(
            ticket, contact=sender, channel=Channel.EMAIL, **fields
        )
        outcome = (
            Outcome.APPENDED if message.ticket_id == ticket.pk else Outcome.CREATED
        )
        return _save(row, outcome, ticket=message.ticket, message=message)
    urgent = mail.is_urgent or bool(_URGENT.search(mail.subject))
    opened = tickets.open_ticket(
        subject=mail.subject,
        pipeline=mailbox.pipeline,
        channel=Channel.EMAIL,
        actor=sender,
        requester=sender,
        cc=_parties(mail, sender),
        marked_urgent=urgent,
        **fields,
    )
    opened = route_ticket(opened, mailbox=mailbox.address, urgent=urgent)
    first = opened.messages.first()
    if first is not None and verdict.may_acknowledge:
        transaction.on_commit(lambda: _acknowledge(first.pk))
    return _save(row, Outcome.CREATED, ticket=opened, message=first)


def _acknowledge(message_id: int) -> None:
    from ventanilla.channels.mail.jobs import send_acknowledgement

    send_acknowledgement.enqueue(message_id)


def bulk_admitted(mail: ParsedMail, mailbox: Mailbox) -> bool:
    """Whether an enabled routing rule admits this bulk or list mail."""
    return admits_bulk(facts_for_mail(mail, mailbox), compiled_rules())


def _noise(
    mail: ParsedMail, row: InboundMessage, verdict: loops.LoopVerdict
) -> str | None:
    """Why this message must not open a ticket, or None (R-CAP-6)."""
    if verdict.kind in loops.NEVER_OPENS_TICKETS:
        return f"{verdict.kind}: {verdict.reason}"
    window = timedelta(minutes=settings.VENTANILLA_MAIL_STORM_WINDOW_MINUTES)
    recent = (
        InboundMessage.objects.filter(
            sender=mail.from_address, received_at__gte=row.received_at - window
        )
        .exclude(pk=row.pk)
        .count()
    )
    if recent >= settings.VENTANILLA_MAIL_STORM_MAX:
        return _("storm: %(count)s messages from %(sender)s in %(minutes)s minutes") % {
            "count": recent + 1,
            "sender": mail.from_address,
            "minutes": settings.VENTANILLA_MAIL_STORM_WINDOW_MINUTES,
        }
    return None


def _already_delivered(message_id: str, row: InboundMessage) -> str | None:
    """The same Message-ID with other bytes: a redelivery or a copy sent to
    two of our mailboxes. Kept, but it must not add the message twice."""
    first = (
        InboundMessage.objects.filter(
            message_id=message_id, outcome__in=[Outcome.CREATED, Outcome.APPENDED]
        )
        .exclude(pk=row.pk)
        .values_list("ticket__number", flat=True)[:1]
    )
    if not first:
        return None
    return _("duplicate Message-ID, already in ticket #%(number)s") % {
        "number": first[0] or "?"
    }


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


def _parties(mail: ParsedMail, sender: Contact) -> list[Contact]:
    """Everyone else the customer wrote to, except our own mailboxes."""
    ours = set(Mailbox.objects.values_list("address", flat=True))
    addresses = [
        a for a in (*mail.to, *mail.cc) if a and a not in ours and a != sender.email
    ]
    return [contact_for_address(a) for a in dict.fromkeys(addresses)][:50]


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
    row.save(
        update_fields=[
            "outcome",
            "reason",
            "ticket",
            "ticket_message",
            "processed_at",
            "message_id",
            "subject",
            "sender",
        ]
    )
    return IngestResult(outcome, _number(row), row.message_id, row.pk)
