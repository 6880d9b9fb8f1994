"""The desk's configuration, read once per configuration change.

A queue page shows tickets with their pipeline, stage, type, priority, owner
and team, and offers the same rows again as the options of its filter and
bulk forms. Those are small tables (tens of rows) read whole: once, here,
instead of a query per select and a join per row.

The joins matter more than the queries: a page query joining eight tables
made PostgreSQL spend 30-70 ms choosing a join order for a plan that runs
in 2 ms (``bench/RESULTS.md``). Rows are read with their requester and
company only (the large tables), and ``attach`` sets the configuration
objects on them from here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Model, QuerySet

from ventanilla.core.configuration import Kept
from ventanilla.directory.access import SEE_ALL_PIPELINES, AnyUser, agent_role
from ventanilla.directory.models import Agent, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.routing.models import Tag
from ventanilla.tickets.models import Ticket

# Columns a page never shows (and the slowest to read: see bench/RESULTS.md).
_STAMPS = ("created_at", "updated_at", "pipeline__created_at", "pipeline__updated_at")

# Ticket foreign keys to configuration rows, set by ``attach``.
ATTACHED = ("pipeline", "stage", "type", "priority", "owner", "team")


@dataclass(frozen=True)
class Tables:
    """The configuration tables, in display order, with their rows by id
    for each ticket foreign key in ``ATTACHED``. Shared by the requests of
    a process (``KEPT``): read-only."""

    stages: list[Stage]
    types: list[TicketType]
    priorities: list[Priority]
    reasons: list[Reason]
    teams: list[Team]
    tags: list[Tag]
    agents: list[User]
    by_field: dict[str, dict[int, Model]]
    stage_ids: dict[str, list[int]]  # by kind, as ``desk.queries.stage_ids``
    pipelines: list[Pipeline]  # every one, stages or not, in display order
    agent_teams: dict[int, frozenset[int]]  # an agent's teams, by user id


def read_tables() -> Tables:
    stages = list(Stage.objects.select_related("pipeline").defer(*_STAMPS))
    types = list(TicketType.objects.select_related("pipeline").defer(*_STAMPS))
    by_rank, why, who = list(priorities()), list(reasons()), list(teams())
    active = list(
        agents()
        .select_related("agent")
        .defer("password", "last_login", "date_joined", "agent__job_title")
    )
    memberships: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Agent.teams.through.objects.values_list(
        "agent__user_id", "team_id"
    ):
        memberships[user_id].add(team_id)
    every_pipeline = list(Pipeline.objects.defer("created_at", "updated_at"))
    rows: dict[str, Iterable[Model]] = {
        "pipeline": every_pipeline,
        "stage": stages,
        "type": types,
        "priority": by_rank,
        "reason": why,
        "team": who,
        "owner": active,
    }
    stage_ids: dict[str, list[int]] = defaultdict(list)
    for stage in stages:
        stage_ids[stage.kind].append(stage.pk)
    return Tables(
        stages=stages,
        types=types,
        priorities=by_rank,
        reasons=why,
        teams=who,
        tags=list(Tag.objects.all()),
        agents=active,
        by_field={name: {r.pk: r for r in found} for name, found in rows.items()},
        stage_ids=dict(stage_ids),
        pipelines=every_pipeline,
        agent_teams={user: frozenset(ids) for user, ids in memberships.items()},
    )


# Kept by each process while the configuration stamp holds (one query per
# page instead of six; ``core.configuration``).
KEPT = Kept(read_tables)


class Catalogue:
    """Every stage (with its pipeline), type, priority, reason, team, tag
    and active agent, in their display order, and the pipelines ``user``
    sees. The tables come from ``KEPT`` (read again only when the
    configuration changed); the user's pipelines are read on first use."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user
        self._former_owners: dict[int, Model] = {}

    @cached_property
    def tables(self) -> Tables:
        return KEPT.get()

    @property
    def stages(self) -> list[Stage]:
        return self.tables.stages

    @property
    def types(self) -> list[TicketType]:
        return self.tables.types

    @property
    def priorities(self) -> list[Priority]:
        return self.tables.priorities

    @property
    def reasons(self) -> list[Reason]:
        return self.tables.reasons

    @property
    def teams(self) -> list[Team]:
        return self.tables.teams

    @property
    def tags(self) -> list[Tag]:
        return self.tables.tags

    @property
    def agents(self) -> list[User]:
        return self.tables.agents

    @cached_property
    def visible(self) -> frozenset[int]:
        """The ids of the pipelines the user sees, as
        ``directory.access.visible_pipelines`` has them, from the tables."""
        role = agent_role(self.user)
        if role is None:
            return frozenset()
        pipelines = self.tables.pipelines
        if role in SEE_ALL_PIPELINES:
            return frozenset(p.pk for p in pipelines)
        staff_id = cast(int, self.user.pk)  # staff are signed in
        mine = self.tables.agent_teams.get(staff_id, frozenset())
        return frozenset(p.pk for p in pipelines if p.team_id in mine)

    def first_stage(self, pipeline: Pipeline, kind: StageKind) -> Stage | None:
        """``pipelines.queries.stage_of_kind`` from the tables (None when
        the pipeline has no stage of ``kind``)."""
        for stage in self.stages:
            if stage.pipeline_id == pipeline.pk and stage.kind == kind:
                return stage
        return None

    @property
    def all_pipelines(self) -> list[Pipeline]:
        """Every pipeline in display order (each has stages)."""
        seen: dict[int, Pipeline] = {}
        for stage in self.stages:
            seen.setdefault(stage.pipeline_id, stage.pipeline)
        return list(seen.values())

    @property
    def pipelines(self) -> list[Pipeline]:
        """Visible pipelines in display order."""
        return [p for p in self.all_pipelines if p.pk in self.visible]

    def visible_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.pipeline_id in self.visible]

    def visible_types(self) -> list[TicketType]:
        return [t for t in self.types if t.pipeline_id in self.visible]

    def attach(
        self, tickets: Sequence[Ticket], names: Sequence[str] = ATTACHED
    ) -> None:
        """Set each ticket's configuration objects (``ATTACHED``) from the
        catalogue, so that reading them costs no query. Owners who are no
        longer active agents are read in one query for the page."""
        for name in names:
            fk = cast("models.ForeignKey[Any, Any]", Ticket._meta.get_field(name))
            known = self.tables.by_field[name]
            missing: list[Ticket] = []
            for ticket in tickets:
                pk = getattr(ticket, fk.attname)
                if pk is None:
                    continue
                row = known.get(pk)
                if row is None:
                    missing.append(ticket)
                else:
                    fk.set_cached_value(ticket, row)
            if missing and name == "owner":
                former = self._former_owners
                ids = {getattr(t, fk.attname) for t in missing} - former.keys()
                if ids:
                    former.update(User.objects.in_bulk(ids))
                for ticket in missing:
                    fk.set_cached_value(ticket, former[getattr(ticket, fk.attname)])


def agents() -> QuerySet[User]:
    """Active staff who can own tickets, by name."""
    return User.objects.filter(is_active=True, agent__isnull=False).order_by(
        "first_name", "last_name", "username"
    )


def reasons() -> QuerySet[Reason]:
    return Reason.objects.all()


def priorities() -> QuerySet[Priority]:
    return Priority.objects.all()


def teams() -> QuerySet[Team]:
    return Team.objects.all()


def catalogue(user: AnyUser) -> Catalogue:
    """The configuration a desk page needs, read as it is used."""
    return Catalogue(user)
