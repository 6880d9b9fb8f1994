"""Which ticket an incoming message continues (R-CAP-3)."""

from __future__ import annotations

from django.db.models import Q

from ventanilla.channels.mail.parsing import ParsedMail
from ventanilla.channels.mail.subjects import ticket_token
from ventanilla.directory.models import Contact
from ventanilla.tickets.models import Message, Ticket


def find_ticket(mail: ParsedMail, sender: Contact) -> Ticket | None:
    """The ticket ``mail`` replies to, if its sender may write to it.

    1. In-Reply-To and References against the Message-IDs stored on ticket
       messages (ours and the customers'), newest reference first.
    2. Else the ticket token in the subject, e.g. ``[#10042]``.
    3. A candidate only counts if the sender is its requester, is copied on
       it, or belongs to its company: guessing a number or forwarding a
       thread does not let a stranger write into someone else's ticket.
    """
    candidates: list[Ticket] = []
    ids = thread_ids(mail)
    if ids:
        by_id = {
            m.email_message_id: m.ticket
            for m in Message.objects.filter(email_message_id__in=ids).select_related(
                "ticket__stage", "ticket__pipeline"
            )
        }
        candidates += [by_id[i] for i in ids if i in by_id]
    number = ticket_token(mail.subject)
    if number is not None:
        by_number = (
            Ticket.objects.select_related("stage", "pipeline")
            .filter(number=number)
            .first()
        )
        if by_number is not None:
            candidates.append(by_number)
    for ticket in candidates:
        if may_write_to(sender, ticket):
            return ticket
    return None


def thread_ids(mail: ParsedMail) -> list[str]:
    """The Message-IDs ``mail`` answers, the one it replies to first, then
    its References newest first."""
    return [i for i in (mail.in_reply_to, *reversed(mail.references)) if i]


def plainly_may_write_to(sender: Contact, ticket: Ticket) -> bool:
    """``may_write_to`` from the two rows alone: the sender is the
    requester, or of the ticket's company. False may still be a yes."""
    return ticket.requester_id == sender.pk or (
        sender.company_id is not None and sender.company_id == ticket.company_id
    )


def may_write_to(sender: Contact, ticket: Ticket) -> bool:
    if plainly_may_write_to(sender, ticket):
        return True
    return (
        Ticket.objects.filter(pk=ticket.pk)
        .filter(Q(cc=sender) | Q(messages__author_contact=sender))
        .exists()
    )


def bounced_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket of the message a bounce reports on (to attach it there).

    No sender check: a bounce is only recorded beside the ticket, it never
    adds to the conversation.
    """
    ids = [i for i in (mail.reported_message_id, mail.in_reply_to) if i]
    if not ids:
        return None
    message = (
        Message.objects.select_related("ticket")
        .filter(email_message_id__in=ids)
        .order_by("-id")
        .first()
    )
    return message.ticket if message else None
