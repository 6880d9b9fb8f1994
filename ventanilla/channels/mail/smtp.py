"""SMTP and LMTP listener (aiosmtpd) in front of ``ingest_raw``.

The listener answers 250 for a recipient only after the message is stored
and processed for that mailbox, 451 when it could not be stored (the sending
server retries), and refuses unknown recipients at RCPT time with 550 so
that the sender gets an immediate bounce instead of silence.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.queries import mailbox_for_address

logger = logging.getLogger(__name__)

OK = "250 2.0.0 OK: stored"
TEMPFAIL = "451 4.3.0 Temporary failure: message not stored, try again later"
UNKNOWN = "550 5.1.1 No such mailbox here"


def _known(address: str) -> bool:
    close_old_connections()
    return mailbox_for_address(address) is not None


def _deliver(raw: bytes, address: str) -> str:
    close_old_connections()
    try:
        mailbox = mailbox_for_address(address)
        result = ingest_raw(raw, mailbox=mailbox, via=Via.SMTP)
    except Exception:
        logger.exception("message for %s not stored", address)
        return TEMPFAIL
    logger.info(
        "%s for %s: %s #%s", result.message_id, address, result.outcome, result.ticket
    )
    return OK


class IngestHandler:
    def __init__(self, *, lmtp: bool = False) -> None:
        self.lmtp = lmtp

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=False)(address):
            return UNKNOWN
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        replies = [
            await sync_to_async(_deliver, thread_sensitive=False)(raw, address)
            for address in envelope.rcpt_tos
        ]
        if self.lmtp:  # LMTP answers once per recipient
            return "\r\n".join(replies)
        return TEMPFAIL if TEMPFAIL in replies else OK


class _LMTPController(Controller):
    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def make_controller(*, host: str, port: int, lmtp: bool = False) -> Controller:
    kwargs: dict[str, Any] = {
        "hostname": host,
        "port": port,
        "data_size_limit": settings.VENTANILLA_MAX_INBOUND_BYTES,
        "decode_data": False,
        "enable_SMTPUTF8": True,
    }
    cls = _LMTPController if lmtp else Controller
    return cls(IngestHandler(lmtp=lmtp), **kwargs)
