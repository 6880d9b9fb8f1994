"""Writes of the pipeline configuration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

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

# A pipeline must have somewhere for each step of the lifecycle rules to go.
REQUIRED_KINDS = (StageKind.NEW, StageKind.OPEN, StageKind.RESOLVED, StageKind.CLOSED)


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
    kinds = {kind for _name, kind in stages}
    missing = [kind.label for kind in REQUIRED_KINDS if kind not in kinds]
    if missing:
        raise ActionRefused(
            _("A pipeline needs stages of these kinds: %(kinds)s.")
            % {"kinds": ", ".join(str(k) for k in missing)},
            code="pipeline_incomplete",
        )
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
