"""Writes of the mail channel's configuration."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.channels.mail.models import InboundMessage, Mailbox, Outcome
from ventanilla.core.errors import ActionRefused
from ventanilla.core.sealing import seal
from ventanilla.pipelines.models import Pipeline

if TYPE_CHECKING:
    from ventanilla.channels.mail.ingest import IngestResult


def create_mailbox(
    *, address: str, pipeline: Pipeline, name: str = "", is_connected: bool = True
) -> Mailbox:
    return Mailbox.objects.create(
        address=address.strip().lower(),
        pipeline=pipeline,
        name=name,
        is_connected=is_connected,
    )


def update_mailbox(
    mailbox: Mailbox,
    *,
    address: str,
    pipeline: Pipeline,
    name: str = "",
    is_connected: bool = True,
) -> Mailbox:
    mailbox.address = address.strip().lower()
    mailbox.pipeline = pipeline
    mailbox.name = name
    mailbox.is_connected = is_connected
    mailbox.save(
        update_fields=["address", "pipeline", "name", "is_connected", "updated_at"]
    )
    return mailbox


def rotate_inbound_token(mailbox: Mailbox) -> str:
    """A new secret for the mailbox's HTTP hook; the old URL stops working."""
    mailbox.inbound_token = secrets.token_urlsafe(24)
    mailbox.save(update_fields=["inbound_token", "updated_at"])
    return mailbox.inbound_token


def set_imap(
    mailbox: Mailbox,
    *,
    host: str,
    username: str,
    password: str,
    port: int = 993,
    ssl: bool = True,
    folder: str = "INBOX",
    done_folder: str = "",
) -> Mailbox:
    """Connect a mailbox to its IMAP account.

    Polling starts from scratch when the account or folder changes; a new
    password alone keeps the place reached. An empty ``password`` keeps the
    stored one.
    """
    moved = (host, port, username, folder) != (
        mailbox.imap_host,
        mailbox.imap_port,
        mailbox.imap_username,
        mailbox.imap_folder,
    )
    mailbox.imap_host = host
    mailbox.imap_port = port
    mailbox.imap_ssl = ssl
    mailbox.imap_username = username
    if password:
        mailbox.imap_password = seal(password)
    mailbox.imap_folder = folder
    mailbox.imap_done_folder = done_folder
    if moved:
        mailbox.imap_uidvalidity = None
        mailbox.imap_last_uid = 0
    mailbox.save()
    return mailbox


def retry_inbound(inbound: InboundMessage) -> IngestResult:
    """Process a quarantined (or stuck) message again, e.g. after a fix.

    Messages that were suppressed stay suppressed unless retried on purpose;
    one already turned into ticket work is left alone.
    """
    from ventanilla.channels.mail.ingest import process

    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
        if row.outcome in (Outcome.CREATED, Outcome.APPENDED):
            raise ActionRefused(
                _("This message is already in ticket #%(number)s.")
                % {"number": row.ticket.number if row.ticket else "?"},
                code="already_processed",
            )
        row.outcome = Outcome.RECEIVED
        row.reason = ""
        row.save(update_fields=["outcome", "reason"])
    return process(row.pk)
