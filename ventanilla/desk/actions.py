"""Desk writes that combine ticket actions into what one form submits.

Each function is one transaction over the ticket actions it calls, so a
form's changes are applied together or not at all, with every step audited
by the ticket action that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.core.sentinel import UNSET, Unset
from ventanilla.desk.models import DeskPreference, SavedFilter
from ventanilla.directory import actions as directory
from ventanilla.directory.access import access_ticket
from ventanilla.directory.models import Contact, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Scope,
    Stage,
    TicketType,
)
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, Ticket


@transaction.atomic
def classify(
    ticket: Ticket,
    *,
    actor: User,
    type: TicketType | None,
    reason: Reason | None,
    priority: Priority | None,
    owner: User | None,
    team: Team | None,
    scope: Scope | Unset = UNSET,
    expected_version: int | None = None,
) -> Ticket:
    """Set the classification and the assignment as one change."""
    ticket = tickets.set_classification(
        ticket,
        actor=actor,
        type=type,
        reason=reason,
        priority=priority,
        scope=scope,
        expected_version=expected_version,
    )
    return tickets.assign(ticket, actor=actor, owner=owner, team=team)


@transaction.atomic
def triage(
    ticket: Ticket,
    *,
    actor: User,
    pipeline: Pipeline | None,
    type: TicketType | None,
    reason: Reason | None,
    priority: Priority | None,
    owner: User | None,
    expected_version: int | None = None,
) -> Ticket:
    """Re-classify a triage ticket in one step (R-CLS-1).

    1. The pipeline is the one chosen, else the chosen type's pipeline.
    2. Moving keeps the history and gives the ticket the new area's team.
    3. Reason, priority and owner are then set; the owner only if given.
    """
    target = pipeline or (type.pipeline if type is not None else None)
    if target is not None and target.pk != ticket.pipeline_id:
        ticket = tickets.move_to_pipeline(
            ticket,
            pipeline=target,
            actor=actor,
            type=type,
            expected_version=expected_version,
        )
        expected_version = None
        values: dict[str, object] = {}
    else:
        values = {"type": type} if type is not None else {}
    if reason is not None:
        values["reason"] = reason
    if priority is not None:
        values["priority"] = priority
    if values:
        ticket = tickets.set_classification(
            ticket,
            actor=actor,
            expected_version=expected_version,
            **values,  # type: ignore[arg-type]
        )
        expected_version = None
    if owner is not None:
        ticket = tickets.assign(
            ticket, actor=actor, owner=owner, expected_version=expected_version
        )
    return ticket


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def bulk_update(
    user: User,
    numbers: Iterable[int],
    *,
    owner: User | None = None,
    stage: Stage | None = None,
    priority: Priority | None = None,
    merge: int | None = None,
) -> BulkResult:
    """Apply one change to many tickets, each through its own action.

    A ticket the user may not see counts as refused; a refusal on one ticket
    does not stop the others, and each is reported with its reason. A merge
    folds every selected ticket into ticket number ``merge`` (which may be
    among the selection: it is left as is).
    """
    result = BulkResult()
    target: Ticket | None = None
    if merge is not None:
        try:
            target = access_ticket(user, merge)
        except Http404:
            result.refused.append((merge, _("No such ticket.")))
            return result
    for number in numbers:
        if target is not None and number == target.number:
            continue
        try:
            ticket = access_ticket(user, number)
            if target is not None:
                target = tickets.merge_tickets(ticket, into=target, actor=user)
            elif owner is not None:
                tickets.assign(ticket, actor=user, owner=owner)
            elif stage is not None:
                tickets.change_stage(ticket, stage=stage, actor=user)
            elif priority is not None:
                tickets.set_classification(ticket, actor=user, priority=priority)
        except ActionRefused as refusal:
            result.refused.append((number, str(refusal)))
        except Http404:
            result.refused.append((number, _("No such ticket.")))
        else:
            result.done.append(number)
    return result


@dataclass(frozen=True)
class Requester:
    """Who asks, as the agent typed it: a chosen contact, or an address
    and/or a name."""

    contact: Contact | None = None
    email: str = ""
    name: str = ""


def _requester(who: Requester) -> Contact | None:
    if who.contact is not None:
        return who.contact
    if who.email:
        return directory.contact_for_address(who.email, name=who.name)
    if who.name:
        return directory.create_contact(name=who.name)
    return None


@transaction.atomic
def open_manual_ticket(
    *,
    actor: User,
    requester: Requester,
    subject: str,
    body_text: str,
    pipeline: Pipeline,
    channel: Channel,
    type: TicketType | None = None,
    reason: Reason | None = None,
    priority: Priority | None = None,
    owner: User | None = None,
    scope: Scope = Scope.EXTERNAL,
    attachments: Iterable[NewAttachment] = (),
) -> Ticket:
    """A ticket taken by phone, at the counter or for an internal request
    (R-CAP-7); a requester not yet known becomes a contact."""
    return tickets.open_ticket(
        subject=subject,
        pipeline=pipeline,
        channel=channel,
        actor=actor,
        requester=_requester(requester),
        body_text=body_text,
        type=type,
        reason=reason,
        priority=priority,
        owner=owner,
        team=pipeline.team,
        scope=scope,
        attachments=list(attachments),
    )


# -- saved filters and preferences -------------------------------------------


def save_filter(
    user: User,
    *,
    name: str,
    view: str,
    params: dict[str, str],
    team: Team | None = None,
) -> SavedFilter:
    """Save (or replace, by name) one of the user's queue filters."""
    saved, _created = SavedFilter.objects.update_or_create(
        user=user,
        name=name.strip(),
        defaults={"view": view, "params": params, "team": team},
    )
    return saved


def delete_filter(user: User, saved: SavedFilter) -> None:
    """Only its owner deletes a saved filter."""
    if saved.user_id != user.pk:
        raise ActionRefused(
            _("Only who saved a filter may delete it."), code="not_owner"
        )
    saved.delete()


@transaction.atomic
def update_profile(
    user: User, *, first_name: str, last_name: str, email: str, language: str
) -> User:
    """An agent's own name, email and desk language."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.email = email.strip().lower()
    user.save(update_fields=["first_name", "last_name", "email"])
    DeskPreference.objects.update_or_create(user=user, defaults={"language": language})
    return user
