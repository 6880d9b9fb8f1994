"""IMAP polling of connected mailboxes (R-CAP-2).

A message is marked on the server (flagged, or moved to the mailbox's done
folder) only after ingestion has committed it, so a crash between the two
makes the next poll fetch it again, which the SHA-256 makes harmless. Each
fetched batch goes through ``ingest_many``: stored and committed together,
then processed a transaction per batch.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from imapclient import IMAPClient

from ventanilla.channels.mail.ingest import ingest_many
from ventanilla.channels.mail.models import Mailbox, Via

logger = logging.getLogger(__name__)

IMPORTED_FLAG = b"VentanillaImportado"
SEEN_FLAG = b"\\Seen"
BATCH = 50


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    uidvalidity_reset: bool = False


ClientFactory = Callable[[Mailbox], IMAPClient]


def connect(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context() if mailbox.imap_ssl else None
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_ssl,
        ssl_context=context,
        timeout=60,
    )
    client.login(mailbox.imap_username, mailbox.imap_secret())
    return client


def poll_mailbox(
    mailbox: Mailbox, *, client_factory: ClientFactory = connect
) -> PollReport:
    """Import what is new in the mailbox's folder.

    1. Select the folder; if its UIDVALIDITY changed, UIDs mean something
       else now, so start over from UID 1 (already stored messages come
       back as duplicates and create nothing).
    2. Fetch messages with a UID above the last imported one that are not
       flagged as imported, oldest first, in batches.
    3. Per batch: ingest them all (``ingest_many``: stored and committed
       before any is processed), then flag or move each, then remember the
       last UID. A batch that cannot be stored stops the poll unmarked.
    """
    report = PollReport(mailbox.address)
    client = client_factory(mailbox)
    try:
        status = client.select_folder(mailbox.imap_folder)
        uidvalidity = int(status[b"UIDVALIDITY"])
        if mailbox.imap_uidvalidity != uidvalidity:
            report.uidvalidity_reset = mailbox.imap_uidvalidity is not None
            mailbox.imap_uidvalidity = uidvalidity
            mailbox.imap_last_uid = 0
            mailbox.save(
                update_fields=["imap_uidvalidity", "imap_last_uid", "updated_at"]
            )
        criteria: list[object] = ["NOT", "KEYWORD", IMPORTED_FLAG.decode()]
        uids = sorted(
            uid
            for uid in client.search(
                ["UID", f"{mailbox.imap_last_uid + 1}:*", *criteria]
            )
            if uid > mailbox.imap_last_uid
        )
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            present = [
                (uid, bytes(fetched[uid][b"BODY[]"]))
                for uid in batch
                if fetched.get(uid, {}).get(b"BODY[]") is not None
            ]  # a message expunged meanwhile is left out
            if not present:
                continue
            results = ingest_many(
                [(raw, mailbox) for _uid, raw in present], via=Via.IMAP
            )
            for (uid, _raw), result in zip(present, results, strict=True):
                report.fetched += 1
                report.outcomes[result.outcome] = (
                    report.outcomes.get(result.outcome, 0) + 1
                )
                _mark_imported(client, mailbox, uid)
            mailbox.imap_last_uid = present[-1][0]
            mailbox.save(update_fields=["imap_last_uid", "updated_at"])
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            logger.debug("IMAP logout failed for %s", mailbox.address, exc_info=True)
    return report


def _mark_imported(client: IMAPClient, mailbox: Mailbox, uid: int) -> None:
    if mailbox.imap_done_folder:
        client.move([uid], mailbox.imap_done_folder)
    else:
        client.add_flags([uid], [SEEN_FLAG, IMPORTED_FLAG])


def pollable_mailboxes() -> list[Mailbox]:
    return list(
        Mailbox.objects.select_related("pipeline")
        .filter(is_connected=True)
        .exclude(imap_host="")
        .order_by("address")
    )
