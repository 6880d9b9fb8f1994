"""Writes of the portal: a company admin's new request."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ventanilla.directory.models import CustomerUser
from ventanilla.pipelines.models import Category, Pipeline
from ventanilla.routing.actions import route_ticket
from ventanilla.tickets.actions import open_ticket
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, Ticket


@transaction.atomic
def open_request(
    customer: CustomerUser,
    *,
    pipeline: Pipeline,
    subject: str,
    description: str,
    category: Category,
    attachments: Sequence[NewAttachment] = (),
) -> Ticket:
    """Open the request and pass it through the routing rules, as mail is
    (R-CLS-6): a rule may classify it, assign it or move it to an area."""
    contact = customer.contact
    ticket = open_ticket(
        subject=subject,
        pipeline=pipeline,
        channel=Channel.PORTAL,
        actor=contact,
        requester=contact,
        company=contact.company,
        body_text=description,
        category=category,
        attachments=attachments,
    )
    return route_ticket(ticket)
