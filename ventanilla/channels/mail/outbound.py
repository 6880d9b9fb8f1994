"""Mail that leaves Ventanilla: agent replies, threaded in the customer's
mail client.

Every outgoing message carries our own Message-ID (stored on the ticket
message before sending, so the customer's answer threads back), In-Reply-To
and References built from the conversation, and the ticket token in the
subject. Header values come from user-editable fields, so each one is
flattened to one line: nothing a user types can add a header.

With ``VENTANILLA_NOTIFY_MODE = "link"`` (R-POR-3) a reply mail carries
only a link to the ticket in the customer portal, not the reply's text or
files: the answer is read (and answered) there.
"""

from __future__ import annotations

import re
import secrets
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from ventanilla.channels.mail.models import InboundMessage, Mailbox
from ventanilla.channels.mail.subjects import strip_prefixes, ticket_token
from ventanilla.core.emails import make_message
from ventanilla.tickets.actions import record_email_delivery
from ventanilla.tickets.models import Message, MessageKind, Ticket

MAX_REFERENCES = 20
_LINE_BREAKS = re.compile(r"[\r\n\x00\x0b\x0c\x85\u2028\u2029]+")


def one_line(value: str) -> str:
    """A header-safe value: line breaks (the way to inject headers) removed."""
    return " ".join(_LINE_BREAKS.sub(" ", value).split())


def sending_address(ticket: Ticket) -> str:
    """The mailbox the customer wrote to, else their pipeline's, else ours."""
    inbound = (
        InboundMessage.objects.filter(ticket=ticket, mailbox__isnull=False)
        .select_related("mailbox")
        .order_by("-received_at", "-id")
        .first()
    )
    if inbound is not None and inbound.mailbox is not None:
        return inbound.mailbox.address
    mailbox = (
        Mailbox.objects.filter(pipeline_id=ticket.pipeline_id, is_connected=True)
        .order_by("address")
        .first()
    )
    return mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL


def reply_subject(ticket: Ticket) -> str:
    subject = one_line(strip_prefixes(ticket.subject)) or str(ticket.number)
    if ticket_token(subject) != ticket.number:
        subject = f"{subject} {ticket.token}"
    return f"Re: {subject}"


def thread_headers(ticket: Ticket, *, before: int | None = None) -> dict[str, str]:
    """In-Reply-To and References for a mail on ``ticket``'s conversation:
    the public messages with a Message-ID (those before message ``before``)."""
    messages = ticket.messages.exclude(kind=MessageKind.NOTE).exclude(
        email_message_id=""
    )
    if before is not None:
        messages = messages.filter(id__lt=before)
    earlier = list(messages.order_by("id").values_list("email_message_id", flat=True))
    if not earlier:
        return {}
    return {
        "In-Reply-To": earlier[-1],
        "References": " ".join([earlier[0], *earlier[1:][-MAX_REFERENCES:]]),
    }


def _notify_only() -> bool:
    return bool(settings.VENTANILLA_NOTIFY_MODE == "link")


def build_reply(message: Message, *, automatic: bool = False) -> EmailMultiAlternatives:
    """The email for an agent reply (``message`` must have its Message-ID)."""
    ticket = message.ticket
    sender = sending_address(ticket)
    author = message.author_user
    display = one_line(author.get_full_name()) if author else ""
    to = [ticket.requester.email] if ticket.requester and ticket.requester.email else []
    cc = [c.email for c in ticket.cc.all() if c.email and c.email not in to]
    headers = {
        "Message-ID": message.email_message_id,
        "X-Ventanilla-Ticket": str(ticket.number),
        **thread_headers(ticket, before=message.pk),
    }
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
    if _notify_only():
        return _reply_notice(ticket, sender, display, to, cc, headers)
    email = EmailMultiAlternatives(
        subject=reply_subject(ticket),
        body=message.body_text,
        from_email=formataddr((display, sender)) if display else sender,
        to=to,
        cc=cc,
        reply_to=[sender],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.exclude(file=""):
        with attachment.file.open("rb") as handle:
            email.attach(
                attachment.filename, handle.read(), attachment.content_type or None
            )
    return email


def _reply_notice(
    ticket: Ticket,
    sender: str,
    display: str,
    to: list[str],
    cc: list[str],
    headers: dict[str, str],
) -> EmailMultiAlternatives:
    """The notify-only form of a reply: a link to the portal, no content."""
    from ventanilla.portal.links import ticket_url

    email = make_message(
        "notifications/emails/reply_link",
        {
            "ticket": ticket,
            "subject": reply_subject(ticket),
            "ticket_url": ticket_url(ticket),
        },
        to=to,
        from_email=formataddr((display, sender)) if display else sender,
        headers=headers,
    )
    email.cc = cc
    email.reply_to = [sender]
    return email


def send_acknowledgement(message_id: int) -> bool:
    """Tell the customer their mail became a ticket (an automatic reply).

    Sent once, to the author of the ticket's first message only, marked
    ``Auto-Submitted: auto-replied`` so that well-behaved auto-responders
    do not answer it (RFC 3834), and threaded on the customer's message.
    """
    message = (
        Message.objects.select_related("ticket", "author_contact")
        .filter(pk=message_id, kind=MessageKind.CUSTOMER)
        .first()
    )
    if message is None or message.author_contact is None:
        return False
    ticket = message.ticket
    address = message.author_contact.email
    ours = set(Mailbox.objects.values_list("address", flat=True))
    if not address or address in ours or ticket.acknowledged_at is not None:
        return False
    sender = sending_address(ticket)
    headers = {
        "Message-ID": new_message_id(ticket.number, sender.rpartition("@")[2]),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "X-Ventanilla-Ticket": str(ticket.number),
    }
    if message.email_message_id:
        headers["In-Reply-To"] = message.email_message_id
        headers["References"] = message.email_message_id
    email = make_message(
        "mail/emails/acknowledgement",
        {
            "ticket": ticket,
            "subject": one_line(strip_prefixes(ticket.subject)),
            "name": message.author_contact.name,
        },
        to=[address],
        from_email=sender,
        headers=headers,
    )
    updated = Ticket.objects.filter(pk=ticket.pk, acknowledged_at=None).update(
        acknowledged_at=timezone.now()
    )
    if updated:  # claimed: no other worker sends it
        email.send()
    return bool(updated)


def new_message_id(number: int, domain: str) -> str:
    """A unique Message-ID, short enough that its header line never folds."""
    return f"<{secrets.token_hex(12)}.t{number}@{domain[:60]}>"


def send_reply(message_id: int) -> bool:
    """Send an agent reply once; return False if it was already sent.

    1. Give the message our Message-ID and commit it, so that an answer
       arriving before the send finishes still threads.
    2. Send; mark it sent. A crash between 2 and the mark sends it again on
       retry: better twice than never.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("ticket__requester", "author_user")
            .get(pk=message_id)
        )
        if message.kind != MessageKind.REPLY or message.email_sent_at is not None:
            return False
        if not message.email_message_id:
            domain = sending_address(message.ticket).rpartition("@")[2] or "localhost"
            record_email_delivery(
                message, email_message_id=new_message_id(message.ticket.number, domain)
            )
    email = build_reply(message)
    if not email.to:
        return False  # no address to write to (e.g. a walk-in without email)
    email.send()
    record_email_delivery(message, sent_at=timezone.now())
    return True
