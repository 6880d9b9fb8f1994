"""HTTP ingress for providers' inbound-mail hooks (R-CAP-2)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.queries import mailbox_for_token

logger = logging.getLogger(__name__)
ACCEPTED_TYPES = {"message/rfc822", "application/octet-stream"}


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt  # authenticated by the mailbox's secret token, not a session
@require_POST
def inbound_email(request: HttpRequest, token: str) -> JsonResponse:
    """Take one raw message for the mailbox whose secret is ``token``."""
    mailbox = mailbox_for_token(token)
    if mailbox is None:
        return _error(404, "unknown_mailbox", "No mailbox has this token.")
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_TYPES:
        return _error(
            415, "unsupported_media_type", "Send the raw message as message/rfc822."
        )
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.VENTANILLA_MAX_INBOUND_BYTES:
        return _error(413, "too_large", "The message is larger than the accepted size.")
    raw = request.read(settings.VENTANILLA_MAX_INBOUND_BYTES + 1)
    if len(raw) > settings.VENTANILLA_MAX_INBOUND_BYTES:
        return _error(413, "too_large", "The message is larger than the accepted size.")
    if not raw.strip():
        return _error(400, "empty", "The body is empty.")
    try:
        result = ingest_raw(raw, mailbox=mailbox, via=Via.HTTP)
    except Exception:
        logger.exception("inbound message for %s not stored", mailbox.address)
        return _error(
            503, "not_stored", "The message could not be stored; retry later."
        )
    return JsonResponse(result.as_json(), status=200)
