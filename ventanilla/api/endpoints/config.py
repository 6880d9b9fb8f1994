"""Read-only configuration and people: pipelines (with their stages and
types), reasons, priorities, teams and agents. Staff only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Router

from ventanilla.api import schemas as s
from ventanilla.api.auth import caller
from ventanilla.api.errors import staff_only
from ventanilla.api.queries import is_staff
from ventanilla.directory.access import agent_role, visible_pipelines
from ventanilla.directory.models import Team
from ventanilla.pipelines.models import Priority, Reason, StageKind

router = Router(tags=["configuration"])


def _staff(request: HttpRequest) -> User:
    user = caller(request)
    if not is_staff(user):
        raise staff_only()
    return user


@router.get("/pipelines", response=s.responses({200: list[s.PipelineOut]}))
def pipelines(request: HttpRequest) -> Any:
    user = _staff(request)
    rows = (
        visible_pipelines(user)
        .select_related("team")
        .prefetch_related("stages", "types")
        .order_by("position", "name")
    )
    return [
        s.PipelineOut(
            id=p.pk,
            name=p.name,
            slug=p.slug,
            is_triage=p.is_triage,
            team=s.Ref(id=p.team.pk, name=p.team.name),
            stages=[
                s.StageOut(
                    id=st.pk,
                    name=st.name,
                    kind=StageKind(st.kind),
                    position=st.position,
                )
                for st in p.stages.all()
            ],
            types=[
                s.TypeOut(
                    id=t.pk,
                    name=t.name,
                    description=t.description,
                    playbook=t.playbook,
                    guide_url=t.guide_url,
                )
                for t in p.types.all()
            ],
        )
        for p in rows
    ]


@router.get("/reasons", response=s.responses({200: list[s.Ref]}))
def reasons(request: HttpRequest) -> Any:
    _staff(request)
    return [s.Ref(id=r.pk, name=r.name) for r in Reason.objects.all()]


@router.get("/priorities", response=s.responses({200: list[s.PriorityOut]}))
def priorities(request: HttpRequest) -> Any:
    _staff(request)
    return [
        s.PriorityOut(id=p.pk, name=p.name, rank=p.rank, color=p.color)
        for p in Priority.objects.all()
    ]


@router.get("/teams", response=s.responses({200: list[s.TeamOut]}))
def teams(request: HttpRequest) -> Any:
    _staff(request)
    return [
        s.TeamOut(id=t.pk, name=t.name, slug=t.slug, email=t.email)
        for t in Team.objects.all()
    ]


@router.get("/users", response=s.responses({200: list[s.UserOut]}))
def users(request: HttpRequest) -> Any:
    """Active staff: who can own tickets."""
    _staff(request)
    rows = (
        User.objects.filter(is_active=True, agent__isnull=False)
        .select_related("agent")
        .prefetch_related("agent__teams")
        .order_by("first_name", "last_name", "username")
    )
    return [
        s.UserOut(
            id=u.pk,
            username=u.get_username(),
            name=u.get_full_name() or u.get_username(),
            email=u.email,
            role=str(agent_role(u) or ""),
            teams=[t.pk for t in u.agent.teams.all()],
        )
        for u in rows
    ]
