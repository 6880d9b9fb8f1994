"""Attachments, served only after the ticket's access check.

Everything is a download (``Content-Disposition: attachment``) with
``nosniff``, except the raster image types a browser shows without running
anything; those are shown inline under a CSP that allows nothing else.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from ventanilla.desk import queries
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.directory.access import access_ticket

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@require_GET
@agent_required
def attachment(request: DeskRequest, number: int, attachment_id: int) -> FileResponse:
    ticket = access_ticket(request.user, number)
    item = queries.attachment_of(ticket, attachment_id)
    if item is None or not item.file:
        raise Http404("No such attachment")
    inline = item.content_type in INLINE_TYPES
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Attachment file missing") from missing
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
