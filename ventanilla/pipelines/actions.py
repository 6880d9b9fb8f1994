"""Writes of the pipeline configuration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ventanilla.core.configuration import renew_stamp
from ventanilla.core.errors import ActionRefused
from ventanilla.directory.models import Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.tickets.models import Ticket

# A pipeline must have somewhere for each step of the lifecycle rules to go.
REQUIRED_KINDS = (StageKind.NEW, StageKind.OPEN, StageKind.RESOLVED, StageKind.CLOSED)


def check_stage_kinds(kinds: Iterable[str]) -> None:
    """Refuse a set of stages that leaves a lifecycle step nowhere to go."""
    present = set(kinds)
    missing = [kind.label for kind in REQUIRED_KINDS if kind not in present]
    if missing:
        raise ActionRefused(
            _("A pipeline needs stages of these kinds: %(kinds)s.")
            % {"kinds": ", ".join(str(k) for k in missing)},
            code="pipeline_incomplete",
        )


@transaction.atomic
def create_pipeline(
    *,
    name: str,
    team: Team,
    stages: Sequence[tuple[str, StageKind]],
    slug: str = "",
    is_triage: bool = False,
    position: int = 0,
) -> Pipeline:
    """Create a pipeline with its stages, in the given order.

    Refused unless the stages include at least one of each kind the
    lifecycle rules move tickets to (new, open, resolved, closed).
    """
    check_stage_kinds(kind for _name, kind in stages)
    pipeline = Pipeline.objects.create(
        name=name,
        slug=slug or slugify(name),
        team=team,
        is_triage=is_triage,
        position=position,
    )
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=stage_name, kind=kind, position=index)
        for index, (stage_name, kind) in enumerate(stages)
    )
    renew_stamp()  # bulk_create sends no post_save
    return pipeline


@transaction.atomic
def create_ticket_type(
    *,
    pipeline: Pipeline,
    name: str,
    description: str = "",
    default_owners: Iterable[User] = (),
    playbook: str = "",
    guide_url: str = "",
    position: int = 0,
) -> TicketType:
    ticket_type = TicketType.objects.create(
        pipeline=pipeline,
        name=name,
        description=description,
        playbook=playbook,
        guide_url=guide_url,
        position=position,
    )
    ticket_type.default_owners.set(list(default_owners))
    return ticket_type


def set_playbook(
    ticket_type: TicketType, *, playbook: str, guide_url: str = ""
) -> TicketType:
    """The required action and guide link shown where agents work the type."""
    ticket_type.playbook = playbook
    ticket_type.guide_url = guide_url
    ticket_type.save(update_fields=["playbook", "guide_url", "updated_at"])
    return ticket_type


def create_reason(*, name: str, position: int = 0) -> Reason:
    return Reason.objects.create(name=name, position=position)


def create_priority(*, name: str, rank: int, color: str = "#888888") -> Priority:
    return Priority.objects.create(name=name, rank=rank, color=color)


_PIPELINE_FIELDS = ("name", "slug", "team", "is_triage", "position")


def update_pipeline(pipeline: Pipeline, **changes: Any) -> Pipeline:
    """Rename, re-order or hand a pipeline to another team."""
    _assign(pipeline, _PIPELINE_FIELDS, changes)
    if not pipeline.slug:
        pipeline.slug = slugify(pipeline.name)
    pipeline.save()
    return pipeline


@dataclass(frozen=True)
class StageRow:
    """One stage as an editor leaves it: ``stage`` is None for a new one."""

    name: str
    kind: str
    position: int
    stage: Stage | None = None
    delete: bool = False


def check_stages(rows: Sequence[StageRow]) -> None:
    """Refuse stages that leave a lifecycle kind out, repeat a name, or
    remove a stage that still holds tickets."""
    kept = [row for row in rows if not row.delete]
    check_stage_kinds(row.kind for row in kept)
    names = [row.name.strip().casefold() for row in kept]
    if len(set(names)) != len(names):
        raise ActionRefused(
            _("Two stages of a pipeline cannot have the same name."),
            code="stage_name_taken",
        )
    removed = [row.stage for row in rows if row.delete and row.stage is not None]
    busy = [stage.name for stage in removed if stage.tickets.exists()]
    if busy:
        raise ActionRefused(
            _("These stages still hold tickets; move them first: %(stages)s.")
            % {"stages": ", ".join(busy)},
            code="stage_in_use",
        )


@transaction.atomic
def set_stages(pipeline: Pipeline, rows: Sequence[StageRow]) -> list[Stage]:
    """Replace a pipeline's stages with ``rows``: rename, re-kind, re-order,
    add and remove in one step.

    Refused when the result lacks a lifecycle kind, when two stages share a
    name, or when a removed stage still holds tickets (they would have
    nowhere to be). Positions may be swapped freely: the stages are moved
    out of the way before taking their new places.
    """
    check_stages(rows)
    kept = [row for row in rows if not row.delete]
    removed = [row.stage for row in rows if row.delete and row.stage is not None]
    Stage.objects.filter(pk__in=[stage.pk for stage in removed]).delete()
    existing = list(Stage.objects.filter(pipeline=pipeline).order_by("position"))
    # Park every stage on a free position first, so a swap never collides.
    offset = max([stage.position for stage in existing] + [len(kept)]) + 1
    for index, stage in enumerate(existing):
        stage.position = offset + index
    Stage.objects.bulk_update(existing, ["position"])
    renew_stamp()  # bulk_update sends no post_save
    saved: list[Stage] = []
    ordered = sorted(kept, key=lambda row: row.position)
    for index, row in enumerate(ordered):
        stage = row.stage or Stage(pipeline=pipeline)
        if stage.pipeline_id != pipeline.pk:
            raise ActionRefused(
                _("That stage belongs to another pipeline."), code="stage_foreign"
            )
        stage.name = row.name.strip()
        stage.kind = row.kind
        stage.position = index
        stage.save()
        saved.append(stage)
    return saved


_TYPE_FIELDS = ("pipeline", "name", "description", "playbook", "guide_url", "position")


def check_type_move(ticket_type: TicketType, pipeline: Pipeline) -> None:
    """A type in use stays in its pipeline: its tickets would be left with a
    type that does not belong to their pipeline."""
    if pipeline.pk != ticket_type.pipeline_id and ticket_type.tickets.exists():
        raise ActionRefused(
            _("Tickets use this type; it cannot move to another pipeline."),
            code="type_in_use",
        )


@transaction.atomic
def update_ticket_type(
    ticket_type: TicketType,
    *,
    default_owners: Iterable[User] | None = None,
    **changes: Any,
) -> TicketType:
    """Edit a type; moving it to another pipeline is refused while tickets
    of its pipeline use it."""
    if changes.get("pipeline") is not None:
        check_type_move(ticket_type, changes["pipeline"])
    _assign(ticket_type, _TYPE_FIELDS, changes)
    ticket_type.save()
    if default_owners is not None:
        ticket_type.default_owners.set(list(default_owners))
    return ticket_type


def update_reason(reason: Reason, **changes: Any) -> Reason:
    _assign(reason, ("name", "position"), changes)
    reason.save()
    return reason


@transaction.atomic
def update_priority(priority: Priority, **changes: Any) -> Priority:
    """Change a priority; a new rank is copied onto its tickets (one
    UPDATE), whose ``priority_rank`` orders the desk's queues."""
    _assign(priority, ("name", "rank", "color"), changes)
    priority.save()
    Ticket.objects.filter(priority=priority).exclude(
        priority_rank=priority.rank
    ).update(priority_rank=priority.rank)
    return priority


def _assign(row: Any, allowed: Sequence[str], changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(row, field, value)
