"""What the customer is told, decided from the ticket's audit trail.

Every change to a ticket writes a TicketEvent (tickets.actions), so the
trail is the one place that sees every way a ticket is opened, resolved
or closed: agents, the portal, the web form, the API, the auto-close job.
``tickets.actions`` calls ``event_recorded`` for each new entry (a direct
call, not a signal), which keeps the lifecycle code free of notification
logic. Nothing is sent here: jobs are queued with the change
(``core.queueing``), so a rolled-back change mails nobody.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ventanilla.core.queueing import queue_with_change
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import Channel, EventKind, TicketEvent

# Mail tickets are acknowledged by the mail channel itself (and notices
# that must not be answered are not); these channels are acknowledged here.
ACKNOWLEDGED_HERE = {Channel.PORTAL, Channel.WEB_FORM}
NOTIFIED_STAGE_KINDS = {StageKind.RESOLVED, StageKind.CLOSED}

_quiet: ContextVar[bool] = ContextVar("notifications_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Record history without telling anyone: inside this block, ticket
    events queue no customer mail (imports, the demo's generated past; like
    ``add_reply(..., deliver=False)`` for replies)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def event_recorded(instance: TicketEvent) -> None:
    """Called by ``tickets.actions`` for every new audit entry."""
    if _quiet.get():
        return
    data = instance.data or {}
    if instance.kind == EventKind.CREATED:
        message_id = data.get("message_id")
        if data.get("channel") in ACKNOWLEDGED_HERE and message_id:
            queue_with_change(lambda: _acknowledge(int(message_id)))
    elif (
        instance.kind == EventKind.STAGE_CHANGED
        and data.get("new_kind") in NOTIFIED_STAGE_KINDS
    ):
        event_id = instance.pk
        queue_with_change(lambda: _notify_stage(event_id))


def _acknowledge(message_id: int) -> None:
    from ventanilla.channels.mail.jobs import send_acknowledgement

    send_acknowledgement.enqueue(message_id)


def _notify_stage(event_id: int) -> None:
    from ventanilla.notifications.jobs import send_stage_notice

    send_stage_notice.enqueue(event_id)
