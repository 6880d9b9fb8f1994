"""Writes of the mail channel's configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.channels.mail.models import InboundMessage, Mailbox, Outcome
from ventanilla.core.errors import ActionRefused
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
    """Connect a mailbox to its IMAP account; polling starts from scratch."""
    mailbox.imap_host = host
    mailbox.imap_port = port
    mailbox.imap_ssl = ssl
    mailbox.imap_username = username
    mailbox.imap_password = password
    mailbox.imap_folder = folder
    mailbox.imap_done_folder = done_folder
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
