"""The audit trail in words: one line per TicketEvent.

``old`` and ``new`` are the display values stored at the time; dates are
stored as ISO text and shown in the organisation's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ventanilla.agenda.models import ActivityKind
from ventanilla.tickets.models import Channel, EventKind, Message, Ticket, TicketEvent
from ventanilla.tickets.queries import history, thread


def _field_labels() -> dict[str, str]:
    return {
        "stage": _("stage"),
        "pipeline": _("pipeline"),
        "type": _("type"),
        "reason": _("reason"),
        "priority": _("priority"),
        "owner": _("owner"),
        "team": _("team"),
        "scope": _("scope"),
        "category": _("request category"),
        "resolved_at": _("resolved on"),
        "subject": _("subject"),
        "requester": _("requester"),
        "company": _("company"),
    }


@dataclass(frozen=True)
class TrailLine:
    event: TicketEvent
    who: str
    what: str
    old: str
    new: str


def _when(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


_ACTIVITY_KINDS = frozenset(
    {
        EventKind.ACTIVITY_PLANNED,
        EventKind.ACTIVITY_UPDATED,
        EventKind.ACTIVITY_DONE,
        EventKind.ACTIVITY_REOPENED,
        EventKind.ACTIVITY_DELETED,
    }
)
# Fields whose old and new values are stored as ISO date-times.
_WHEN_FIELDS = frozenset({"resolved_at", "activity_due"})


def _activity_sentence(event: TicketEvent) -> str:
    """An activity of the ticket's agenda: its kind in words, and for a
    plan its due time; the title is the entry's new value, or in the
    sentence when the change is the due time."""
    data = event.data or {}
    raw = data.get("activity_kind", "")
    values = {
        "kind": ActivityKind(raw).label if raw in ActivityKind.values else raw,
        "due": _when(str(data.get("due_at", ""))),
        "title": data.get("title", ""),
    }
    if event.kind == EventKind.ACTIVITY_PLANNED:
        return _("planned an activity (%(kind)s) due %(due)s") % values
    if event.kind == EventKind.ACTIVITY_DONE:
        return _("completed an activity (%(kind)s)") % values
    if event.kind == EventKind.ACTIVITY_REOPENED:
        return _("reopened an activity (%(kind)s)") % values
    if event.kind == EventKind.ACTIVITY_DELETED:
        return _("deleted an activity (%(kind)s)") % values
    if event.field == "activity_due":
        return _("rescheduled the activity “%(title)s”") % values
    return _("changed an activity (%(kind)s)") % values


def _sentence(event: TicketEvent) -> str:
    label = _field_labels().get(event.field, event.field)
    kind = event.kind
    data = event.data or {}
    if kind == EventKind.CREATED:
        channel = data.get("channel", "")
        channel_label = Channel(channel).label if channel in Channel.values else channel
        return _("created the ticket (%(channel)s, %(pipeline)s)") % {
            "channel": channel_label,
            "pipeline": data.get("pipeline", ""),
        }
    sentences = {
        EventKind.MESSAGE_ADDED: _("wrote a message"),
        EventKind.REPLY_ADDED: _("replied to the customer"),
        EventKind.NOTE_ADDED: _("added an internal note"),
        EventKind.ATTACHMENT_ADDED: _("attached a file"),
        EventKind.STAGE_CHANGED: _("moved the ticket to another stage"),
        EventKind.PIPELINE_CHANGED: _("moved the ticket to another pipeline"),
        EventKind.LINKED: _("linked a ticket"),
        EventKind.MERGED_INTO: _("merged this ticket into another"),
        EventKind.MERGED_FROM: _("merged another ticket into this one"),
        EventKind.FOLLOW_UP_CREATED: _("opened a follow-up ticket"),
    }
    if kind in sentences:
        return sentences[EventKind(kind)]
    if kind in _ACTIVITY_KINDS:
        return _activity_sentence(event)
    if kind == EventKind.FIELD_CHANGED:
        if event.new and not event.old:
            return _("set the %(field)s") % {"field": label}
        if event.old and not event.new:
            return _("cleared the %(field)s") % {"field": label}
        return _("changed the %(field)s") % {"field": label}
    # Kinds added by other apps (SLA warnings...) read as their label.
    return str(event.get_kind_display() or kind)


def describe(event: TicketEvent) -> TrailLine:
    old, new = event.old, event.new
    if event.field in _WHEN_FIELDS:
        old, new = _when(old), _when(new)
    elif event.kind == EventKind.CREATED:
        old = new = ""
    return TrailLine(event, event.actor_label, _sentence(event), old, new)


# Events that only announce a message: on the timeline the message itself
# stands for them.
_MESSAGE_EVENTS = frozenset(
    {EventKind.MESSAGE_ADDED, EventKind.REPLY_ADDED, EventKind.NOTE_ADDED}
)


@dataclass(frozen=True)
class TimelineEntry:
    """One moment of the ticket's life: a message, or a change in words."""

    at: dt.datetime
    message: Message | None = None
    line: TrailLine | None = None


def timeline(ticket: Ticket) -> list[TimelineEntry]:
    """Messages (notes included) and changes together, oldest first: the
    whole story of the ticket on one page (SPEC §5, "Línea de tiempo")."""
    entries = [
        TimelineEntry(at=message.created_at, message=message)
        for message in thread(ticket, include_notes=True)
    ]
    entries += [
        TimelineEntry(at=event.created_at, line=describe(event))
        for event in history(ticket)
        if event.kind not in _MESSAGE_EVENTS
    ]
    # A message sorts before the changes made in the same moment (a reply
    # and the stage it leaves the ticket in).
    entries.sort(key=lambda entry: (entry.at, entry.message is None))
    return entries
