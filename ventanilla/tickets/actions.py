"""Every write to a ticket.

Each public function is one transaction that locks the ticket, applies the
lifecycle rules, bumps the ticket's version and writes the TicketEvent rows
that let a reader reconstruct who changed what, from what, to what and when.
Callers use the returned objects: the instance passed in may be stale.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused, StaleVersion
from ventanilla.core.html import clean_html, text_to_html
from ventanilla.core.queueing import queue_with_change
from ventanilla.core.rows import insert_row, update_rows
from ventanilla.core.sentinel import UNSET, Unset
from ventanilla.directory.models import Company, Contact, Team
from ventanilla.pipelines.models import (
    Category,
    Pipeline,
    Priority,
    Reason,
    Scope,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.pipelines.queries import stage_of_kind
from ventanilla.tickets.actors import Actor, ActorLike, as_actor
from ventanilla.tickets.attachments import (
    NewAttachment,
    build_attachments,
    check_attachments,
    store_attachments,
)
from ventanilla.tickets.models import (
    NO_PRIORITY_RANK,
    Attachment,
    Channel,
    Direction,
    EventKind,
    LinkKind,
    Message,
    MessageKind,
    Satisfaction,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketNumber,
)

logger = logging.getLogger(__name__)

P = ParamSpec("P")

# R-CLS-3: a ticket cannot leave "new" until these are set.
REQUIRED_TO_LEAVE_NEW = ("type", "reason", "priority", "team", "owner")
# R-WF-2: a customer message on these kinds moves the ticket back to open.
REOPENED_BY_CUSTOMER = (StageKind.WAITING_CUSTOMER, StageKind.RESOLVED)


# -- building blocks ---------------------------------------------------------


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """Re-read the ticket under a row lock (PostgreSQL) for this transaction."""
    pk = ticket if isinstance(ticket, int) else ticket.pk
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("stage", "pipeline")
        .get(pk=pk)
    )


def _next_number() -> int:
    """Take the next human ticket number inside the current transaction."""
    return _take_numbers(1)[0]


def _take_numbers(count: int) -> range:
    """Take the next ``count`` ticket numbers inside the current transaction.

    One statement when the counter exists: ``UPDATE ... RETURNING`` (both
    PostgreSQL and SQLite 3.35+ have it) takes the row lock and reads the
    new value at once.
    """
    from django.conf import settings

    table = connection.ops.quote_name(TicketNumber._meta.db_table)
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "last" = "last" + %s WHERE "id" = 1 '  # noqa: S608 - our own table name
                'RETURNING "last"',
                [count],
            )
            row = cursor.fetchone()
        if row is not None:
            return range(int(row[0]) - count + 1, int(row[0]) + 1)
        first = settings.VENTANILLA_FIRST_TICKET_NUMBER
        try:
            with transaction.atomic():
                TicketNumber.objects.create(pk=1, last=first + count - 1)
            return range(first, first + count)
        except IntegrityError:
            continue  # Another transaction created the counter first.
    raise RuntimeError("could not allocate a ticket number")


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)


def _keep(event: TicketEvent) -> TicketEvent:
    """Save an audit entry and tell its followers."""
    insert_row(event)
    _follow(event)
    return event


def _event(
    ticket: Ticket,
    actor: Actor,
    kind: EventKind,
    *,
    field: str = "",
    old: Any = None,
    new: Any = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """An audit entry, not saved yet (``_record`` saves it and tells its
    followers; ``write_customer_messages`` inserts many at once)."""
    payload = {**actor.data, **(data or {})}
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        payload.setdefault("old_id", getattr(old, "pk", None))
        payload.setdefault("new_id", getattr(new, "pk", None))
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor_type=actor.type,
        actor_user=actor.user,
        actor_label=actor.label[:200],
        field=field,
        old=_display(old),
        new=_display(new),
        data=payload,
    )


def _kept(build: Callable[P, TicketEvent]) -> Callable[P, TicketEvent]:
    def record(*args: P.args, **kwargs: P.kwargs) -> TicketEvent:
        return _keep(build(*args, **kwargs))

    record.__doc__ = """``_event``, saved and told to its followers (``_keep``)."""
    return record


_record = _kept(_event)


def _follow(event: TicketEvent) -> None:
    """Who hears of an audit entry: the customer (notices) and webhook
    subscribers. Each queues its work with the change (``core.queueing``),
    so a rolled-back action tells nobody. Direct calls, not signals: the
    order is visible here."""
    from ventanilla.notifications.receivers import event_recorded as notify
    from ventanilla.webhooks.receivers import event_recorded as publish

    notify(event)
    publish(event)


def _follow_many(events: Sequence[TicketEvent]) -> None:
    """``_follow`` for entries inserted together (the webhook check runs
    once for all of them)."""
    from ventanilla.notifications.receivers import event_recorded as notify
    from ventanilla.webhooks.receivers import events_recorded as publish

    for event in events:
        notify(event)
    publish(events)


def record_event(
    ticket: Ticket,
    *,
    actor: ActorLike,
    kind: EventKind,
    field: str = "",
    old: Any = None,
    new: Any = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """Add an entry to a ticket's trail for a change another app made to
    its own data about the ticket (tags, SLA state...)."""
    return _record(
        ticket, as_actor(actor), kind, field=field, old=old, new=new, data=data
    )


def _save(ticket: Ticket, fields: Iterable[str]) -> Ticket:
    """Persist changed fields and bump the version (optimistic concurrency).

    Once committed, the ticket's SLA clocks and due times are recomputed in
    the background (the worker's periodic scan catches anything missed).
    """
    ticket.version += 1
    ticket.save(update_fields=sorted({*fields, "version", "updated_at"}))
    _schedule_sla(ticket.pk)
    return ticket


# Ticket ids whose SLA recomputation waits for the end of a
# ``sla_recomputed_together`` block; None outside one.
_sla_gathered: ContextVar[set[int] | None] = ContextVar("sla_gathered", default=None)


def _schedule_sla(ticket_id: int) -> None:
    gathered = _sla_gathered.get()
    if gathered is not None:
        gathered.add(ticket_id)
    else:
        queue_with_change(lambda: _recompute_sla(ticket_id))


@contextmanager
def gather_sla_recomputes() -> Iterator[set[int]]:
    """Collect, instead of queueing one job per change, the ids of the
    tickets whose SLA the actions inside the block would have recomputed.

    For callers that change many tickets in one transaction (the mail
    ingestion): use it inside that transaction, and at its end hand the
    ids to ``queue_sla_recompute``. A ticket whose change was rolled back
    to a savepoint meanwhile stays in the set, which is harmless
    (recomputing is idempotent, and a ticket that does not exist is
    skipped).
    """
    gathered: set[int] = set()
    token = _sla_gathered.set(gathered)
    try:
        yield gathered
    finally:
        _sla_gathered.reset(token)


def queue_sla_recompute(ticket_ids: Iterable[int]) -> None:
    """Queue one recomputation for ``ticket_ids`` now (call it through
    ``core.queueing.queue_with_change``)."""
    from ventanilla.sla.jobs import recompute_tickets_sla

    ids = sorted(set(ticket_ids))
    if ids:
        recompute_tickets_sla.enqueue(ids)


def _recompute_sla(ticket_id: int) -> None:
    from ventanilla.sla.jobs import recompute_ticket_sla

    recompute_ticket_sla.enqueue(ticket_id)


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and ticket.version != expected_version:
        raise StaleVersion(
            _(
                "Ticket #%(number)s was changed by someone else while you were "
                "working on it. Reload it to see the changes; nothing was saved."
            )
            % {"number": ticket.number},
            code="stale_version",
        )


def _refuse_if_closed(ticket: Ticket) -> None:
    if ticket.stage.kind == StageKind.CLOSED:
        raise ActionRefused(
            _("Ticket #%(number)s is closed and cannot be changed.")
            % {"number": ticket.number},
            code="ticket_closed",
        )


def missing_required_fields(ticket: Ticket) -> list[str]:
    """Names of the fields R-CLS-3 requires that are still empty."""
    return [
        name for name in REQUIRED_TO_LEAVE_NEW if getattr(ticket, f"{name}_id") is None
    ]


def _field_label(name: str) -> str:
    field = Ticket._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - a concrete column
    return str(field.verbose_name)


def _check_required(ticket: Ticket, stage: Stage) -> None:
    if stage.kind == StageKind.NEW:
        return
    missing = missing_required_fields(ticket)
    if missing:
        labels = [_field_label(name) for name in missing]
        raise ActionRefused(
            _("Ticket #%(number)s cannot leave “New” until these are set: %(fields)s.")
            % {"number": ticket.number or "", "fields": ", ".join(labels)},
            code="required_fields_missing",
            params={"fields": missing},
        )


def _apply_stage(
    ticket: Ticket,
    stage: Stage,
    actor: Actor,
    *,
    enforce_required: bool = True,
    data: dict[str, Any] | None = None,
) -> set[str]:
    """Move ``ticket`` to ``stage`` in memory and record it; return changed fields.

    1. The stage must belong to the ticket's pipeline, and closed is terminal.
    2. Leaving "new" needs the R-CLS-3 fields.
    3. Passing through resolved stamps ``resolved_at`` (R-WF-4); going back
       to work clears it; closing stamps ``closed_at``.
    """
    _check_stage(stage, ticket.pipeline)
    old = ticket.stage
    if stage.pk == old.pk:
        return set()
    _refuse_if_closed(ticket)
    if enforce_required:
        _check_required(ticket, stage)
    now = timezone.now()
    changed = {"stage"}
    ticket.stage = stage
    _record(
        ticket,
        actor,
        EventKind.STAGE_CHANGED,
        field="stage",
        old=old,
        new=stage,
        data={"old_kind": old.kind, "new_kind": stage.kind, **(data or {})},
    )
    resolved_at = ticket.resolved_at
    if stage.kind == StageKind.RESOLVED:
        resolved_at = now
    elif stage.kind == StageKind.CLOSED:
        resolved_at = resolved_at or now
        ticket.closed_at = now
        changed.add("closed_at")
    elif old.kind == StageKind.RESOLVED:
        resolved_at = None
    if resolved_at != ticket.resolved_at:
        _record(
            ticket,
            actor,
            EventKind.FIELD_CHANGED,
            field="resolved_at",
            old=ticket.resolved_at.isoformat() if ticket.resolved_at else None,
            new=resolved_at.isoformat() if resolved_at else None,
        )
        ticket.resolved_at = resolved_at
        changed.add("resolved_at")
    return changed


def _apply_field(ticket: Ticket, actor: Actor, field: str, value: Any) -> set[str]:
    """Set one field in memory, recording the change; return changed fields."""
    current = getattr(ticket, field)
    if current == value:
        return set()
    column = Ticket._meta.get_field(field)
    labels = dict(getattr(column, "choices", None) or [])
    if labels:
        _record(
            ticket,
            actor,
            EventKind.FIELD_CHANGED,
            field=field,
            old=labels.get(current, current),
            new=labels.get(value, value),
            data={"old_value": current, "new_value": value},
        )
    else:
        _record(
            ticket, actor, EventKind.FIELD_CHANGED, field=field, old=current, new=value
        )
    setattr(ticket, field, value)
    if field == "priority":  # the queue order follows the priority's rank
        ticket.priority_rank = value.rank if value else NO_PRIORITY_RANK
        return {field, "priority_rank"}
    return {field}


def _body(body_text: str, body_html: str) -> tuple[str, str]:
    """Sanitise the HTML; derive it from the text when only text is given."""
    if body_html:
        return body_text, clean_html(body_html)
    return body_text, text_to_html(body_text)


def _check_stage(stage: Stage, pipeline: Pipeline) -> None:
    if stage.pipeline_id != pipeline.pk:
        raise ActionRefused(
            _("The stage “%(stage)s” does not belong to the pipeline “%(pipeline)s”.")
            % {"stage": stage.name, "pipeline": pipeline.name},
            code="stage_not_in_pipeline",
        )


def _check_type(ticket_type: TicketType | None, pipeline: Pipeline) -> None:
    if ticket_type is not None and ticket_type.pipeline_id != pipeline.pk:
        raise ActionRefused(
            _("The type “%(type)s” does not belong to the pipeline “%(pipeline)s”.")
            % {"type": ticket_type.name, "pipeline": pipeline.name},
            code="type_not_in_pipeline",
        )


def _check_owner(owner: User | None) -> None:
    if owner is not None and not (owner.is_active and hasattr(owner, "agent")):
        raise ActionRefused(
            _("%(user)s is not an active agent and cannot own tickets.")
            % {"user": _display(owner)},
            code="owner_not_agent",
        )


# -- opening -----------------------------------------------------------------


@transaction.atomic
def open_ticket_with_message(
    *,
    subject: str,
    pipeline: Pipeline,
    channel: Channel,
    actor: ActorLike,
    requester: Contact | None = None,
    company: Company | Unset | None = UNSET,
    body_text: str = "",
    body_html: str = "",
    stage: Stage | None = None,
    type: TicketType | None = None,
    reason: Reason | None = None,
    priority: Priority | None = None,
    owner: User | None = None,
    team: Team | None = None,
    scope: Scope = Scope.EXTERNAL,
    category: Category = Category.GENERAL,
    cc: Iterable[Contact] = (),
    attachments: Sequence[NewAttachment] = (),
    quoted_text: str = "",
    email_message_id: str = "",
    marked_urgent: bool = False,
) -> tuple[Ticket, Message | None]:
    """Open a ticket, with the request's first message when there is a body
    (the message is returned too: None without a body).

    The ticket starts in ``stage`` or the pipeline's first "new" stage; a
    stage past "new" needs the R-CLS-3 fields like any other move.
    """
    who = as_actor(actor)
    check_attachments(attachments)
    stage = stage or stage_of_kind(pipeline, StageKind.NEW)
    _check_stage(stage, pipeline)
    _check_type(type, pipeline)
    _check_owner(owner)
    has_message = bool(body_text or body_html or attachments or email_message_id)
    if has_message and requester is None and who.user is None:
        raise ActionRefused(
            _("The request's message needs a requester or an agent as its author."),
            code="message_without_author",
        )
    if company is UNSET:
        company = requester.company if requester else None
    now = timezone.now()
    ticket = Ticket(
        subject=subject.strip()[:300] or _("(no subject)"),
        requester=requester,
        company=company,
        pipeline=pipeline,
        stage=stage,
        type=type,
        reason=reason,
        priority=priority,
        priority_rank=priority.rank if priority else NO_PRIORITY_RANK,
        owner=owner,
        team=team,
        scope=scope,
        category=category,
        channel=channel,
        marked_urgent=marked_urgent,
        last_customer_message_at=now if has_message else None,
    )
    _check_required(ticket, stage)
    if stage.kind == StageKind.RESOLVED:
        ticket.resolved_at = now
    elif stage.kind == StageKind.CLOSED:
        ticket.resolved_at = ticket.closed_at = now
    ticket.number = _next_number()
    insert_row(ticket)
    _schedule_sla(ticket.pk)
    if cc:
        ticket.cc.set([c for c in cc if c != requester])
    message = None
    if has_message:
        message = _customer_message(
            ticket,
            requester,
            channel,
            body_text=body_text,
            body_html=body_html,
            quoted_text=quoted_text,
            email_message_id=email_message_id,
            author_user=who.user,
        )
        insert_row(message)
    _keep(_created_event(ticket, who, message))
    _attach(ticket, message, attachments, who)
    return ticket, message


def _ticket_only(
    opener: Callable[P, tuple[Ticket, Message | None]],
) -> Callable[P, Ticket]:
    def open_only(*args: P.args, **kwargs: P.kwargs) -> Ticket:
        return opener(*args, **kwargs)[0]

    open_only.__doc__ = """``open_ticket_with_message``, returning the ticket only
    (for callers that do not go on with the request's message)."""
    return open_only


open_ticket = _ticket_only(open_ticket_with_message)


def _attach(
    ticket: Ticket,
    message: Message | None,
    attachments: Sequence[NewAttachment],
    who: Actor,
) -> None:
    for attachment in store_attachments(
        ticket, message, attachments, uploaded_by=who.user
    ):
        _keep(_attachment_event(ticket, who, attachment))


def _attachment_event(
    ticket: Ticket, who: Actor, attachment: Attachment
) -> TicketEvent:
    return _event(
        ticket,
        who,
        EventKind.ATTACHMENT_ADDED,
        field="attachments",
        new=attachment.filename,
        data={"attachment_id": attachment.pk, "size": attachment.size},
    )


# -- messages ----------------------------------------------------------------


@transaction.atomic
def add_customer_message(
    ticket: Ticket,
    *,
    contact: Contact,
    body_text: str,
    body_html: str = "",
    channel: Channel,
    attachments: Sequence[NewAttachment] = (),
    quoted_text: str = "",
    email_message_id: str = "",
) -> Message:
    """Add what a customer wrote; the returned message's ticket is where it went.

    1. On a closed ticket (terminal, R-WF-3) the message opens a NEW ticket,
       classified like the old one, linked to it as a follow-up.
    2. On a ticket waiting on the customer, or resolved, the message moves it
       back to the pipeline's open stage (R-WF-2).
    """
    who = Actor.for_contact(contact)
    check_attachments(attachments)
    ticket = lock_ticket(ticket)
    if ticket.stage.kind == StageKind.CLOSED:
        return _open_follow_up(
            ticket,
            contact,
            channel,
            body_text=body_text,
            body_html=body_html,
            attachments=attachments,
            quoted_text=quoted_text,
            email_message_id=email_message_id,
        )
    message = _customer_message(
        ticket,
        contact,
        channel,
        body_text=body_text,
        body_html=body_html,
        quoted_text=quoted_text,
        email_message_id=email_message_id,
    )
    insert_row(message)
    _keep(_message_added_event(ticket, who, message))
    _attach(ticket, message, attachments, who)
    ticket.last_customer_message_at = message.created_at
    changed = {"last_customer_message_at"}
    if ticket.stage.kind in REOPENED_BY_CUSTOMER:
        open_stage = stage_of_kind(ticket.pipeline, StageKind.OPEN)
        changed |= _apply_stage(
            ticket,
            open_stage,
            who,
            enforce_required=False,
            data={"reopened_by": "R-WF-2"},
        )
    _save(ticket, changed)
    return message


def _open_follow_up(
    closed: Ticket,
    contact: Contact,
    channel: Channel,
    **message: Any,
) -> Message:
    follow_up, first = open_ticket_with_message(
        subject=closed.subject,
        pipeline=closed.pipeline,
        channel=channel,
        actor=contact,
        requester=contact,
        company=closed.company or contact.company,
        type=closed.type,
        reason=closed.reason,
        priority=closed.priority,
        owner=closed.owner if closed.owner and closed.owner.is_active else None,
        team=closed.team,
        scope=Scope(closed.scope),
        category=Category(closed.category),
        **message,
    )
    who = Actor.for_contact(contact)
    _link(follow_up, closed, LinkKind.FOLLOW_UP_OF, who)
    _record(
        closed,
        who,
        EventKind.FOLLOW_UP_CREATED,
        field="links",
        new=f"#{follow_up.number}",
        data={"ticket_id": follow_up.pk, "number": follow_up.number},
    )
    return first if first is not None else follow_up.messages.get()


@transaction.atomic
def add_reply(
    ticket: Ticket,
    *,
    author: User,
    body_text: str,
    body_html: str = "",
    new_stage: Stage | None = None,
    attachments: Sequence[NewAttachment] = (),
    expected_version: int | None = None,
    deliver: bool = True,
) -> Message:
    """An agent's public reply, and the stage it leaves the ticket in.

    Both are one transaction (R-WF-5): if the stage change is refused, the
    reply is not saved either. The first reply stamps ``first_response_at``.
    Once committed it is sent to the customer, unless ``deliver`` is False
    (a reply recorded after the fact, e.g. given by phone or imported).
    """
    who = Actor.for_user(author)
    check_attachments(attachments)
    ticket = lock_ticket(ticket)
    _check_version(ticket, expected_version)
    _refuse_if_closed(ticket)
    changed: set[str] = set()
    if new_stage is not None:
        changed |= _apply_stage(ticket, new_stage, who)
    text, html = _body(body_text, body_html)
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.REPLY,
        direction=Direction.OUTBOUND,
        channel=ticket.channel,
        author_user=author,
        body_text=text,
        body_html=html,
    )
    _record(ticket, who, EventKind.REPLY_ADDED, data={"message_id": message.pk})
    _attach(ticket, message, attachments, who)
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        changed.add("first_response_at")
    _save(ticket, changed)
    if deliver:
        queue_with_change(lambda: _deliver_reply(message.pk))
    return message


def record_email_delivery(
    message: Message,
    *,
    email_message_id: str | None = None,
    sent_at: datetime | None = None,
) -> Message:
    """Bookkeeping of the mail channel on a message: the Message-ID its
    email carries (so answers thread back) and when it was sent."""
    fields = []
    if email_message_id is not None:
        message.email_message_id = email_message_id
        fields.append("email_message_id")
    if sent_at is not None:
        message.email_sent_at = sent_at
        fields.append("email_sent_at")
    if fields:
        message.save(update_fields=fields)
    return message


def _deliver_reply(message_id: int) -> None:
    """Queue the reply for the customer's channel (email for now)."""
    from ventanilla.channels.mail.jobs import send_reply

    send_reply.enqueue(message_id)


@transaction.atomic
def add_note(
    ticket: Ticket,
    *,
    author: User,
    body_text: str,
    body_html: str = "",
    attachments: Sequence[NewAttachment] = (),
) -> Message:
    """An internal note: never shown to the customer, allowed on closed tickets."""
    who = Actor.for_user(author)
    check_attachments(attachments)
    ticket = lock_ticket(ticket)
    text, html = _body(body_text, body_html)
    message = Message.objects.create(
        ticket=ticket,
        kind=MessageKind.NOTE,
        direction=Direction.INTERNAL,
        channel=Channel.INTERNAL,
        author_user=author,
        body_text=text,
        body_html=html,
    )
    _record(ticket, who, EventKind.NOTE_ADDED, data={"message_id": message.pk})
    _attach(ticket, message, attachments, who)
    _save(ticket, ())
    return message


# -- workflow and classification --------------------------------------------


@transaction.atomic
def change_stage(
    ticket: Ticket,
    *,
    stage: Stage,
    actor: ActorLike,
    expected_version: int | None = None,
) -> Ticket:
    ticket = lock_ticket(ticket)
    _check_version(ticket, expected_version)
    changed = _apply_stage(ticket, stage, as_actor(actor))
    return _save(ticket, changed) if changed else ticket


@transaction.atomic
def move_to_pipeline(
    ticket: Ticket,
    *,
    pipeline: Pipeline,
    actor: ActorLike,
    stage: Stage | None = None,
    type: TicketType | Unset | None = UNSET,
    team: Team | Unset | None = UNSET,
    expected_version: int | None = None,
) -> Ticket:
    """Re-classify a ticket into another pipeline, keeping its whole history.

    1. The stage is ``stage`` or the first of the same kind in the new
       pipeline.
    2. A type of the old pipeline does not carry over: it is replaced by
       ``type`` or cleared.
    3. The team becomes ``team`` or the new pipeline's team.
    4. The result must still satisfy R-CLS-3 if the stage is past "new".
    """
    who = as_actor(actor)
    ticket = lock_ticket(ticket)
    _check_version(ticket, expected_version)
    _refuse_if_closed(ticket)
    if pipeline.pk == ticket.pipeline_id:
        raise ActionRefused(
            _("Ticket #%(number)s is already in “%(pipeline)s”.")
            % {"number": ticket.number, "pipeline": pipeline.name},
            code="same_pipeline",
        )
    target_stage = stage or stage_of_kind(pipeline, StageKind(ticket.stage.kind))
    _check_stage(target_stage, pipeline)
    new_type = None if type is UNSET else type
    _check_type(new_type, pipeline)
    old_pipeline, old_stage = ticket.pipeline, ticket.stage
    changed = {"pipeline", "stage"}
    _record(
        ticket,
        who,
        EventKind.PIPELINE_CHANGED,
        field="pipeline",
        old=old_pipeline,
        new=pipeline,
    )
    ticket.pipeline = pipeline
    changed |= _apply_field(ticket, who, "type", new_type)
    changed |= _apply_field(
        ticket, who, "team", pipeline.team if team is UNSET else team
    )
    _check_required(ticket, target_stage)
    ticket.stage = target_stage
    _record(
        ticket,
        who,
        EventKind.STAGE_CHANGED,
        field="stage",
        old=old_stage,
        new=target_stage,
        data={"old_kind": old_stage.kind, "new_kind": target_stage.kind},
    )
    return _save(ticket, changed)


@transaction.atomic
def assign(
    ticket: Ticket,
    *,
    actor: ActorLike,
    owner: User | Unset | None = UNSET,
    team: Team | Unset | None = UNSET,
    expected_version: int | None = None,
) -> Ticket:
    """Set the owner and/or team; ``None`` clears (only while still new)."""
    who = as_actor(actor)
    ticket = lock_ticket(ticket)
    _check_version(ticket, expected_version)
    _refuse_if_closed(ticket)
    changed: set[str] = set()
    if owner is not UNSET:
        _check_owner(owner)
        changed |= _apply_field(ticket, who, "owner", owner)
    if team is not UNSET:
        changed |= _apply_field(ticket, who, "team", team)
    _check_required(ticket, ticket.stage)
    return _save(ticket, changed) if changed else ticket


@transaction.atomic
def set_classification(
    ticket: Ticket,
    *,
    actor: ActorLike,
    type: TicketType | Unset | None = UNSET,
    reason: Reason | Unset | None = UNSET,
    priority: Priority | Unset | None = UNSET,
    category: Category | Unset = UNSET,
    scope: Scope | Unset = UNSET,
    expected_version: int | None = None,
) -> Ticket:
    """Set type, reason, priority, category and scope; unset ones are kept."""
    who = as_actor(actor)
    ticket = lock_ticket(ticket)
    _check_version(ticket, expected_version)
    _refuse_if_closed(ticket)
    if type is not UNSET:
        _check_type(type, ticket.pipeline)
    values = {
        "type": type,
        "reason": reason,
        "priority": priority,
        "category": category,
        "scope": scope,
    }
    changed: set[str] = set()
    for field, value in values.items():
        if value is not UNSET:
            changed |= _apply_field(ticket, who, field, value)
    _check_required(ticket, ticket.stage)
    return _save(ticket, changed) if changed else ticket


@transaction.atomic
def delete_ticket(ticket: Ticket, *, actor: ActorLike) -> None:
    """Delete a ticket (spam, test data) with its messages and trail.

    Its number is never handed out again: the counter only grows. The trail
    goes with the ticket, so the deletion itself is logged.
    """
    who = as_actor(actor)
    ticket = lock_ticket(ticket)
    logger.info(
        "ticket #%s deleted by %s (%s)",
        ticket.number,
        who.label,
        who.type,
        extra=who.data,
    )
    ticket.delete()


# -- relations ---------------------------------------------------------------


def _link(source: Ticket, target: Ticket, kind: LinkKind, who: Actor) -> TicketLink:
    link, created = TicketLink.objects.get_or_create(
        source=source, target=target, kind=kind
    )
    if created:
        label = LinkKind(kind).label
        _record(
            source,
            who,
            EventKind.LINKED,
            field="links",
            new=f"{label} #{target.number}",
            data={"link_id": link.pk, "kind": kind, "ticket_id": target.pk},
        )
        _record(
            target,
            who,
            EventKind.LINKED,
            field="links",
            new=f"#{source.number} {label}",
            data={"link_id": link.pk, "kind": kind, "ticket_id": source.pk},
        )
    return link


@transaction.atomic
def link_tickets(
    ticket: Ticket, *, other: Ticket, kind: LinkKind, actor: ActorLike
) -> TicketLink:
    """Record that ``ticket`` <kind> ``other``; linking twice changes nothing."""
    if ticket.pk == other.pk:
        raise ActionRefused(_("A ticket cannot be linked to itself."), code="link_self")
    return _link(ticket, other, kind, as_actor(actor))


@transaction.atomic
def merge_tickets(source: Ticket, *, into: Ticket, actor: ActorLike) -> Ticket:
    """Merge a duplicate into another ticket.

    1. Messages and attachments move to ``into``; the source's requester and
       CCs become CCs of ``into``.
    2. The source is closed (whatever its classification) and linked as a
       duplicate of ``into``; both trails record the merge.
    """
    who = as_actor(actor)
    if source.pk == into.pk:
        raise ActionRefused(
            _("A ticket cannot be merged into itself."), code="merge_self"
        )
    # Lock in id order so two opposite merges cannot deadlock.
    first, second = sorted([source.pk, into.pk])
    locked = {pk: lock_ticket(pk) for pk in (first, second)}
    source, into = locked[source.pk], locked[into.pk]
    _refuse_if_closed(source)
    _refuse_if_closed(into)
    moved_messages = source.messages.update(ticket=into)
    moved_attachments = source.attachments.update(ticket=into)
    parties = [*source.cc.all(), *([source.requester] if source.requester else [])]
    into.cc.add(*[c for c in parties if c.pk != into.requester_id])
    counts = {"messages": moved_messages, "attachments": moved_attachments}
    _record(
        source,
        who,
        EventKind.MERGED_INTO,
        field="links",
        new=f"#{into.number}",
        data={"ticket_id": into.pk, **counts},
    )
    _record(
        into,
        who,
        EventKind.MERGED_FROM,
        field="links",
        new=f"#{source.number}",
        data={"ticket_id": source.pk, **counts},
    )
    changed = _apply_stage(
        source,
        stage_of_kind(source.pipeline, StageKind.CLOSED),
        who,
        enforce_required=False,
    )
    _save(source, changed)
    _link(source, into, LinkKind.DUPLICATE_OF, who)
    return _save(into, ())


# -- satisfaction ------------------------------------------------------------


@transaction.atomic
def record_satisfaction(
    ticket: Ticket, *, score: int, comment: str = "", contact: Contact | None
) -> Satisfaction:
    """Store the customer's rating (1 to 5) of a ticket, replacing an
    earlier one; the trail keeps each answer with its comment."""
    if not 1 <= score <= 5:
        raise ActionRefused(
            _("The rating must be a number from 1 to 5."), code="score_invalid"
        )
    ticket = lock_ticket(ticket)
    who = Actor.for_contact(contact) if contact else Actor.system()
    earlier = Satisfaction.objects.filter(ticket=ticket).first()
    rating, _created = Satisfaction.objects.update_or_create(
        ticket=ticket,
        defaults={"score": score, "comment": comment.strip(), "contact": contact},
    )
    _record(
        ticket,
        who,
        EventKind.SATISFACTION_RATED,
        field="satisfaction",
        old=earlier.score if earlier else None,
        new=score,
        data={"satisfaction_id": rating.pk, "comment": rating.comment[:1000]},
    )
    return rating


# -- many customer messages at once (mail ingestion) --------------------------


@dataclass
class Request:
    """A customer's request to open as a ticket (``write_customer_messages``),
    as ``open_ticket_with_message`` takes it: the pipeline's first "new"
    stage, nothing classified yet, the requester as author."""

    subject: str
    pipeline: Pipeline
    requester: Contact
    channel: Channel
    email_message_id: str
    body_text: str = ""
    body_html: str = ""
    quoted_text: str = ""
    attachments: Sequence[NewAttachment] = ()
    cc: Sequence[Contact] = ()
    marked_urgent: bool = False


@dataclass
class FollowOn:
    """A customer's message to add to ``ticket`` (``write_customer_messages``),
    as ``add_customer_message`` adds it. The caller holds the ticket's row
    lock, and the ticket's stage is one that the message leaves as it is:
    not closed (a follow-up ticket), not waiting on the customer nor
    resolved (reopened); those take ``add_customer_message``."""

    ticket: Ticket
    contact: Contact
    channel: Channel
    email_message_id: str
    body_text: str = ""
    body_html: str = ""
    quoted_text: str = ""
    attachments: Sequence[NewAttachment] = ()


@dataclass
class _Pending:
    ticket: Ticket
    message: Message
    actor: Actor
    attachments: Sequence[NewAttachment]
    events: list[TicketEvent] = dataclasses.field(default_factory=list)


def write_customer_messages(
    requests: Sequence[Request], follow_ons: Sequence[FollowOn]
) -> tuple[list[tuple[Ticket, Message]], list[Message]]:
    """``open_ticket_with_message`` for each request and
    ``add_customer_message`` for each follow-on, in the caller's
    transaction: the same rows and audit entries, but one insert per table
    for all of them (tickets, copied contacts, messages, attachments,
    events) and one update of the followed tickets.

    Returns each request's ticket and first message, and each follow-on's
    message, in the order given. Refuses (``ActionRefused``, ``ValueError``)
    before writing anything.
    """
    for attachments in [r.attachments for r in requests] + [
        f.attachments for f in follow_ons
    ]:
        check_attachments(attachments)
    for follow_on in follow_ons:
        kind = follow_on.ticket.stage.kind
        if kind == StageKind.CLOSED or kind in REOPENED_BY_CUSTOMER:
            raise ValueError(f"ticket {follow_on.ticket.pk} is {kind}: one by one")
    stages: dict[int, Stage] = {}
    opened: list[_Pending] = []
    now = timezone.now()
    numbers = _take_numbers(len(requests)) if requests else range(0)
    for request, number in zip(requests, numbers, strict=True):
        pipeline = request.pipeline
        if pipeline.pk not in stages:
            stages[pipeline.pk] = stage_of_kind(pipeline, StageKind.NEW)
        ticket = Ticket(
            number=number,
            subject=request.subject.strip()[:300] or _("(no subject)"),
            requester=request.requester,
            company=request.requester.company,
            pipeline=pipeline,
            stage=stages[pipeline.pk],
            priority_rank=NO_PRIORITY_RANK,
            channel=request.channel,
            marked_urgent=request.marked_urgent,
            last_customer_message_at=now,
        )
        opened.append(
            _Pending(
                ticket,
                _customer_message_of(ticket, request.requester, request),
                Actor.for_contact(request.requester),
                request.attachments,
            )
        )
    Ticket.objects.bulk_create([p.ticket for p in opened])
    copied = [
        Ticket.cc.through(ticket_id=p.ticket.pk, contact_id=contact.pk)
        for p, request in zip(opened, requests, strict=True)
        for contact in dict.fromkeys(request.cc)
        if contact != request.requester
    ]
    if copied:
        Ticket.cc.through.objects.bulk_create(copied)
    added = [
        _Pending(
            f.ticket,
            _customer_message_of(f.ticket, f.contact, f),
            Actor.for_contact(f.contact),
            f.attachments,
        )
        for f in follow_ons
    ]
    pending = [*opened, *added]
    for item in pending:
        item.message.ticket = item.ticket  # the ticket has its id now
    Message.objects.bulk_create([p.message for p in pending])
    for item in opened:
        item.events.append(_created_event(item.ticket, item.actor, item.message))
    for item in added:
        item.events.append(_message_added_event(item.ticket, item.actor, item.message))
    _attach_many(pending)
    events = [event for item in pending for event in item.events]
    TicketEvent.objects.bulk_create(events)
    _follow_many(events)
    _touch_followed(added)
    for item in pending:
        _schedule_sla(item.ticket.pk)
    return [(p.ticket, p.message) for p in opened], [p.message for p in added]


def _customer_message_of(
    ticket: Ticket, contact: Contact, source: Request | FollowOn
) -> Message:
    return _customer_message(
        ticket,
        contact,
        source.channel,
        body_text=source.body_text,
        body_html=source.body_html,
        quoted_text=source.quoted_text,
        email_message_id=source.email_message_id,
    )


def _customer_message(
    ticket: Ticket,
    contact: Contact | None,
    channel: Channel,
    *,
    body_text: str,
    body_html: str,
    quoted_text: str,
    email_message_id: str,
    author_user: User | None = None,
) -> Message:
    """What a customer wrote, not saved yet (the first message of a
    request, or a later one)."""
    text, html = _body(body_text, body_html)
    return Message(
        ticket=ticket,
        kind=MessageKind.CUSTOMER,
        direction=Direction.INBOUND,
        channel=channel,
        author_contact=contact,
        author_user=author_user,
        body_text=text,
        body_html=html,
        quoted_text=quoted_text,
        email_message_id=email_message_id,
    )


def _created_event(ticket: Ticket, who: Actor, message: Message | None) -> TicketEvent:
    """The CREATED entry of a ticket just opened."""
    return _event(
        ticket,
        who,
        EventKind.CREATED,
        field="subject",
        new=ticket.subject,
        data={
            "channel": ticket.channel,
            "pipeline": ticket.pipeline.name,
            "stage": ticket.stage.name,
            "requester": _display(ticket.requester),
            "classification": {
                name: _display(getattr(ticket, name))
                for name in ("type", "reason", "priority", "owner", "team")
            },
            "scope": ticket.scope,
            "category": ticket.category,
            "message_id": message.pk if message else None,
        },
    )


def _message_added_event(ticket: Ticket, who: Actor, message: Message) -> TicketEvent:
    return _event(
        ticket,
        who,
        EventKind.MESSAGE_ADDED,
        data={"message_id": message.pk, "channel": message.channel},
    )


def _attach_many(pending: Sequence[_Pending]) -> None:
    """``_attach`` for many messages: the files written, one insert."""
    rows = []
    for item in pending:
        built = build_attachments(
            item.ticket, item.message, item.attachments, uploaded_by=None
        )
        rows += [(item, attachment) for attachment in built]
    if not rows:
        return
    Attachment.objects.bulk_create([attachment for _item, attachment in rows])
    for item, attachment in rows:
        item.events.append(_attachment_event(item.ticket, item.actor, attachment))


def _touch_followed(added: Sequence[_Pending]) -> None:
    """What ``add_customer_message`` saves on a ticket it leaves in its
    stage: the time of the customer's last message and a new version (one
    per message, as one by one)."""
    by_ticket: dict[int, Ticket] = {}
    for item in added:
        ticket = by_ticket.setdefault(item.ticket.pk, item.ticket)
        ticket.version += 1
        ticket.last_customer_message_at = item.message.created_at
        ticket.updated_at = timezone.now()
    if by_ticket:
        update_rows(
            list(by_ticket.values()),
            ["last_customer_message_at", "version", "updated_at"],
        )
