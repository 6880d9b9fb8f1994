"""Every write of the agenda: planning, completing, reopening, changing and
deleting activities, and renewing the secret address of a calendar feed.

Who may act is checked here as well as in the views, because the same rule
holds for every caller: an activity on a ticket belongs to the people who
may open the ticket; one without a ticket to its owner, admins and
supervisors. Each change to an activity on a ticket is written to that
ticket's trail, so it shows in Modifications and on the Timeline.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.agenda.models import Activity, ActivityKind, AgendaFeed
from ventanilla.core.errors import ActionRefused
from ventanilla.core.sentinel import UNSET, Unset
from ventanilla.directory.access import agent_role, sees_all_pipelines, visible_tickets
from ventanilla.directory.models import Contact
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import EventKind, Ticket

TITLE_MAX = Activity._meta.get_field("title").max_length or 200


def lock_activity(activity: Activity | int) -> Activity:
    """Re-read the activity under a row lock (PostgreSQL) for this
    transaction, with its ticket."""
    pk = activity if isinstance(activity, int) else activity.pk
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=pk)
    )


def _sees_ticket(user: User, ticket: Ticket) -> bool:
    return visible_tickets(user).filter(pk=ticket.pk).exists()


def _check_actor(actor: User, ticket: Ticket | None, owner_id: int) -> None:
    """1. Only staff act on activities.
    2. On a ticket: only who may open the ticket.
    3. Without a ticket: the owner, or an admin or supervisor."""
    if agent_role(actor) is None:
        raise ActionRefused(_("Only staff can plan activities."), code="not_staff")
    if ticket is not None:
        if not _sees_ticket(actor, ticket):
            raise ActionRefused(
                _("You cannot act on this ticket's activities."), code="not_allowed"
            )
    elif actor.pk != owner_id and not sees_all_pipelines(actor):
        raise ActionRefused(
            _("Only its owner can act on this activity."), code="not_allowed"
        )


def _check_owner(owner: User, ticket: Ticket | None) -> None:
    """The owner is an active agent who can open the ticket: an activity
    they could not open would sit on their agenda as a dead end."""
    if agent_role(owner) is None:
        raise ActionRefused(
            _("Activities are owned by active staff members."), code="owner_not_staff"
        )
    if ticket is not None and not _sees_ticket(owner, ticket):
        raise ActionRefused(
            _("%(name)s cannot open this ticket.")
            % {"name": owner.get_full_name() or owner.get_username()},
            code="owner_cannot_see",
        )


def _clean_title(title: str) -> str:
    # One line: the title is also a calendar entry's summary.
    text = " ".join(title.split())[:TITLE_MAX]
    if not text:
        raise ActionRefused(_("The activity needs a title."), code="title_required")
    return text


def _check_due(due_at: datetime) -> None:
    if timezone.is_naive(due_at):
        raise ActionRefused(
            _("The due time needs a time zone."), code="due_without_zone"
        )


def _record(
    activity: Activity,
    actor: User,
    kind: EventKind,
    *,
    field: str = "activity",
    old: Any = None,
    new: Any = None,
    **data: Any,
) -> None:
    """Write the change to the ticket's trail, if the activity has a ticket.
    ``data`` keeps the ids and the due time (ISO) for the trail's words."""
    if activity.ticket is None:
        return
    tickets.record_event(
        activity.ticket,
        actor=actor,
        kind=kind,
        field=field,
        old=old,
        new=activity.title if new is None else new,
        data={
            "activity_id": activity.pk,
            "activity_kind": activity.kind,
            "title": activity.title,
            "due_at": activity.due_at.isoformat(),
            "owner_id": activity.owner_id,
            **data,
        },
    )


@transaction.atomic
def plan_activity(
    *,
    actor: User,
    title: str,
    due_at: datetime,
    kind: ActivityKind = ActivityKind.TASK,
    ticket: Ticket | None = None,
    contact: Contact | Unset | None = UNSET,
    owner: User | None = None,
    notes: str = "",
) -> Activity:
    """Put an activity on an owner's agenda.

    1. On a ticket, the contact defaults to the ticket's requester and the
       owner to the ticket's owner (the actor when it has none); without a
       ticket the owner defaults to the actor.
    2. The actor and the owner are checked (``_check_actor``,
       ``_check_owner``).
    3. On a ticket, the trail records the plan.
    """
    if owner is None:
        owner = ticket.owner if ticket is not None and ticket.owner else actor
    if contact is UNSET:
        contact = ticket.requester if ticket is not None else None
    _check_actor(actor, ticket, owner.pk)
    _check_owner(owner, ticket)
    _check_due(due_at)
    activity = Activity.objects.create(
        kind=ActivityKind(kind),
        title=_clean_title(title),
        notes=notes.strip(),
        ticket=ticket,
        contact=contact,
        owner=owner,
        created_by=actor,
        due_at=due_at,
    )
    _record(activity, actor, EventKind.ACTIVITY_PLANNED)
    return activity


@transaction.atomic
def complete_activity(activity: Activity, *, actor: User) -> Activity:
    """Mark the activity done by ``actor`` now."""
    activity = lock_activity(activity)
    _check_actor(actor, activity.ticket, activity.owner_id)
    if activity.done_at is not None:
        raise ActionRefused(
            _("This activity is already done."), code="activity_already_done"
        )
    activity.done_at = timezone.now()
    activity.done_by = actor
    activity.save(update_fields=["done_at", "done_by", "updated_at"])
    _record(activity, actor, EventKind.ACTIVITY_DONE)
    return activity


@transaction.atomic
def reopen_activity(activity: Activity, *, actor: User) -> Activity:
    """Put a done activity back on its owner's agenda, with its due time."""
    activity = lock_activity(activity)
    _check_actor(actor, activity.ticket, activity.owner_id)
    if activity.done_at is None:
        raise ActionRefused(_("This activity is not done."), code="activity_open")
    activity.done_at = None
    activity.done_by = None
    activity.save(update_fields=["done_at", "done_by", "updated_at"])
    _record(activity, actor, EventKind.ACTIVITY_REOPENED)
    return activity


@transaction.atomic
def update_activity(
    activity: Activity,
    *,
    actor: User,
    due_at: datetime | Unset = UNSET,
    title: str | Unset = UNSET,
    notes: str | Unset = UNSET,
    kind: ActivityKind | Unset = UNSET,
    owner: User | Unset = UNSET,
) -> Activity:
    """Reschedule, rename or hand over an activity; only what is given
    changes.

    On a ticket, the trail records one entry: a new due time shows as old
    and new times, other changes list the changed fields.
    """
    activity = lock_activity(activity)
    _check_actor(actor, activity.ticket, activity.owner_id)
    old_due = activity.due_at
    changes: dict[str, Any] = {}
    if due_at is not UNSET:
        _check_due(due_at)
        changes["due_at"] = due_at
    if title is not UNSET:
        changes["title"] = _clean_title(title)
    if notes is not UNSET:
        changes["notes"] = notes.strip()
    if kind is not UNSET:
        changes["kind"] = ActivityKind(kind)
    if owner is not UNSET:
        _check_owner(owner, activity.ticket)
        changes["owner"] = owner
    changed = [
        name for name, value in changes.items() if getattr(activity, name) != value
    ]
    if not changed:
        return activity
    for name in changed:
        setattr(activity, name, changes[name])
    activity.save(update_fields=[*changed, "updated_at"])
    if "due_at" in changed:
        _record(
            activity,
            actor,
            EventKind.ACTIVITY_UPDATED,
            field="activity_due",
            old=old_due.isoformat(),
            new=activity.due_at.isoformat(),
            changed=changed,
        )
    else:
        _record(activity, actor, EventKind.ACTIVITY_UPDATED, changed=changed)
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, actor: User) -> None:
    """Remove an activity planned by mistake. A done activity is part of
    the record of what was done and stays."""
    activity = lock_activity(activity)
    _check_actor(actor, activity.ticket, activity.owner_id)
    if activity.done_at is not None:
        raise ActionRefused(
            _("A done activity cannot be deleted."), code="activity_done"
        )
    _record(activity, actor, EventKind.ACTIVITY_DELETED)
    activity.delete()


@transaction.atomic
def renew_feed_token(*, user: User) -> AgendaFeed:
    """Give ``user`` a new secret calendar address; the previous one, if
    any, stops working."""
    if agent_role(user) is None:
        raise ActionRefused(_("Only staff have a calendar feed."), code="not_staff")
    token = secrets.token_urlsafe(32)
    feed = AgendaFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return AgendaFeed.objects.create(user=user, token=token)
    feed.token = token
    feed.save(update_fields=["token", "updated_at"])
    return feed
