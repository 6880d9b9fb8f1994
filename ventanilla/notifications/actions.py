"""Customer notices: the mails sent when a ticket is resolved or closed.

Each carries the ticket token in its subject and threads on the
conversation (In-Reply-To, References), so the customer's answer lands on
the ticket; the resolved notice links to the satisfaction survey.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ventanilla.channels.mail.models import Mailbox
from ventanilla.channels.mail.outbound import (
    new_message_id,
    one_line,
    sending_address,
    thread_headers,
)
from ventanilla.channels.mail.subjects import strip_prefixes
from ventanilla.core.emails import make_message
from ventanilla.notifications.models import Notice, NoticeKind
from ventanilla.portal.links import survey_url, ticket_url
from ventanilla.tickets.models import Channel, EventKind, Ticket, TicketEvent


def _recipient(ticket: Ticket) -> str:
    """The requester's address, unless the mail would go nowhere useful.

    1. No requester or no address: nobody to tell.
    2. One of our own mailboxes: never write to ourselves (loops).
    3. A mail ticket that got no acknowledgement came from an automatic
       sender (SUNAT's electronic mailbox, a bank alert...) or from us:
       it is not answered automatically now either (RFC 3834).
    """
    requester = ticket.requester
    address = requester.email if requester else ""
    if not address:
        return ""
    if Mailbox.objects.filter(address__iexact=address).exists():
        return ""
    if ticket.channel == Channel.EMAIL and ticket.acknowledged_at is None:
        return ""
    return address


def send_stage_notice(event_id: int) -> bool:
    """Tell the requester their ticket was resolved or closed; once.

    1. Load the stage event; only moves into resolved or closed count.
    2. A ticket closed by a merge is not announced: its conversation goes
       on in the ticket it was merged into.
    3. Claim the notice (a unique row per event), then send.
    """
    event = (
        TicketEvent.objects.select_related("ticket__requester", "ticket__stage")
        .filter(pk=event_id, kind=EventKind.STAGE_CHANGED)
        .first()
    )
    if event is None:
        return False
    kind = (event.data or {}).get("new_kind")
    if kind not in NoticeKind.values:
        return False
    ticket = event.ticket
    if ticket.events.filter(kind=EventKind.MERGED_INTO).exists():
        return False
    address = _recipient(ticket)
    if not address:
        return False
    sender = sending_address(ticket)
    message_id = new_message_id(ticket.number, sender.rpartition("@")[2] or "localhost")
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                ticket=ticket,
                event=event,
                kind=kind,
                recipient=address,
                email_message_id=message_id,
            )
    except IntegrityError:
        return False  # another run claimed it
    headers = {
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
        "X-Ventanilla-Ticket": str(ticket.number),
        **thread_headers(ticket),
    }
    email = make_message(
        f"notifications/emails/{kind}",
        {
            "ticket": ticket,
            "subject": one_line(strip_prefixes(ticket.subject)),
            "name": ticket.requester.name if ticket.requester else "",
            "ticket_url": ticket_url(ticket),
            "survey_url": survey_url(ticket),
            "scores": range(1, 6),
        },
        to=[address],
        from_email=sender,
        headers=headers,
    )
    email.send()
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return True
