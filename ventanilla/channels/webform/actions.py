"""Writes of the web form channel: a visitor's request becomes a ticket."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ventanilla.channels.webform.models import WebForm
from ventanilla.directory.actions import contact_for_address
from ventanilla.pipelines.models import Pipeline
from ventanilla.routing.actions import route_ticket
from ventanilla.tickets.actions import open_ticket
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, Ticket


@transaction.atomic
def submit_request(
    form: WebForm,
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    attachments: Sequence[NewAttachment] = (),
) -> Ticket:
    """Open a ticket in the form's pipeline for the visitor at ``email``
    (the contact is found or created, joining the company of its domain),
    then pass it through the routing rules as mail is."""
    contact = contact_for_address(email, name=name)
    ticket = open_ticket(
        subject=subject,
        pipeline=form.pipeline,
        channel=Channel.WEB_FORM,
        actor=contact,
        requester=contact,
        body_text=message,
        attachments=attachments,
    )
    return route_ticket(ticket)


def create_web_form(
    *, name: str, pipeline: Pipeline, allowed_origins: Sequence[str], key: str = ""
) -> WebForm:
    """A new active form; ``key`` is generated unless given."""
    form = WebForm(
        name=name, pipeline=pipeline, allowed_origins="\n".join(allowed_origins)
    )
    if key:
        form.key = key
    form.full_clean()
    form.save()
    return form
