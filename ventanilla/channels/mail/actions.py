"""Writes of the mail channel's configuration."""

from __future__ import annotations

from ventanilla.channels.mail.models import Mailbox
from ventanilla.pipelines.models import Pipeline


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
