"""Reads of the periodic jobs: what auto-close and the review digest see."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from ventanilla.pipelines.models import Pipeline, StageKind
from ventanilla.tickets.models import Ticket

WORKING_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)


def resolved_before(cutoff: dt.datetime) -> list[tuple[int, int]]:
    """(id, version) of tickets resolved at or before ``cutoff`` and still
    resolved: the candidates for auto-close (R-WF-3)."""
    return list(
        Ticket.objects.filter(stage__kind=StageKind.RESOLVED, resolved_at__lte=cutoff)
        .order_by("resolved_at", "id")
        .values_list("id", "version")
    )


def needs_review(pipeline: Pipeline) -> QuerySet[Ticket]:
    """Tickets of ``pipeline`` still being worked that have no owner or lack
    part of their classification (R-WF-6), oldest first (one query)."""
    missing = (
        Q(owner__isnull=True)
        | Q(type__isnull=True)
        | Q(priority__isnull=True)
        | Q(reason__isnull=True)
    )
    return (
        Ticket.objects.filter(missing, pipeline=pipeline, stage__kind__in=WORKING_KINDS)
        .select_related("stage", "owner", "type", "priority", "reason", "requester")
        .order_by("created_at", "id")
    )


def triage_pipelines() -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(is_triage=True).select_related("team")


def team_addresses(pipeline: Pipeline) -> list[str]:
    """Mail addresses of the active agents of the pipeline's team."""
    emails = (
        User.objects.filter(agent__teams=pipeline.team, is_active=True)
        .exclude(email="")
        .order_by("username")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(email.lower() for email in emails))
