"""Reads of the desk: navigation counts, queues, the board, triage.

Every read starts from ``directory.access.visible_tickets`` or
``visible_pipelines``, so a page can only show what its user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from ventanilla.directory.access import AnyUser, visible_pipelines, visible_tickets
from ventanilla.directory.models import Contact, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.tickets.models import Attachment, Ticket

# Stages a queue shows unless the user asks for another status.
ACTIVE_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)
STATUS_KINDS: dict[str, tuple[StageKind, ...]] = {
    "active": ACTIVE_KINDS,
    "resolved": (StageKind.RESOLVED,),
    "closed": (StageKind.CLOSED,),
    "all": (),
}
# Tickets without a priority sort after every real priority.
NO_PRIORITY_RANK = 32767
QUEUE_RELATED = (
    "pipeline",
    "stage",
    "priority",
    "owner",
    "team",
    "type",
    "requester",
    "company",
)
PAGE_SIZE = 50
BOARD_CARDS_PER_STAGE = 40


def _sort_rank() -> Coalesce:
    return Coalesce(F("priority__rank"), Value(NO_PRIORITY_RANK))


def _unclassified() -> Q:
    return (
        Q(type__isnull=True)
        | Q(reason__isnull=True)
        | Q(priority__isnull=True)
        | Q(owner__isnull=True)
    )


# -- navigation --------------------------------------------------------------


@dataclass(frozen=True)
class PipelineCount:
    pipeline: Pipeline
    count: int


@dataclass(frozen=True)
class Navigation:
    pipelines: list[PipelineCount]
    mine: int
    unassigned: int
    waiting: int
    triage: int
    has_triage: bool


def navigation(user: AnyUser) -> Navigation:
    """The sidebar: each visible pipeline with its active tickets, and the
    counts of the personal queues. Three queries, whatever the volume."""
    pipelines = list(visible_pipelines(user).order_by("position", "name"))
    active = visible_tickets(user).filter(stage__kind__in=ACTIVE_KINDS)
    per_pipeline = dict(
        active.order_by().values_list("pipeline").annotate(n=Count("id"))
    )
    totals = active.aggregate(
        mine=Count("id", filter=Q(owner=user.pk)),
        unassigned=Count("id", filter=Q(owner__isnull=True)),
        waiting=Count("id", filter=Q(stage__kind=StageKind.WAITING_CUSTOMER)),
        triage=Count("id", filter=Q(pipeline__is_triage=True) & _unclassified()),
    )
    return Navigation(
        pipelines=[PipelineCount(p, per_pipeline.get(p.pk, 0)) for p in pipelines],
        mine=totals["mine"],
        unassigned=totals["unassigned"],
        waiting=totals["waiting"],
        triage=totals["triage"],
        has_triage=any(p.is_triage for p in pipelines),
    )


def pipeline_by_slug(user: AnyUser, slug: str) -> Pipeline | None:
    return visible_pipelines(user).filter(slug=slug).first()


# -- queues ------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key of its last row."""

    rank: int
    created_at: dt.datetime
    id: int

    _EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

    def encode(self) -> str:
        micros = (self.created_at - self._EPOCH) // dt.timedelta(microseconds=1)
        return f"{self.rank}.{micros}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        """The cursor in ``raw``, or None when it is not one of ours."""
        parts = raw.split(".")
        if len(parts) != 3 or not all(p.isdigit() and len(p) < 20 for p in parts):
            return None
        rank, micros, pk = (int(p) for p in parts)
        try:
            created = cls._EPOCH + dt.timedelta(microseconds=micros)
        except OverflowError:
            return None
        return cls(rank, created, pk)


@dataclass(frozen=True)
class QueueFilter:
    """What a queue page is restricted to; every field is optional."""

    pipeline: Pipeline | None = None
    stage: Stage | None = None
    stage_kind: str = ""
    status: str = "active"
    owner: User | None = None
    unassigned: bool = False
    team: Team | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    scope: str = ""
    channel: str = ""
    company: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None


@dataclass(frozen=True)
class QueuePage:
    tickets: Sequence[Ticket]
    next_cursor: str | None


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the current (organisation's) time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_tickets(user: AnyUser, flt: QueueFilter) -> QuerySet[Ticket]:
    qs = visible_tickets(user)
    if flt.pipeline is not None:
        qs = qs.filter(pipeline=flt.pipeline)
    if flt.stage is not None:
        qs = qs.filter(stage=flt.stage)
    elif flt.stage_kind:
        qs = qs.filter(stage__kind=flt.stage_kind)
    elif STATUS_KINDS.get(flt.status):
        qs = qs.filter(stage__kind__in=STATUS_KINDS[flt.status])
    if flt.owner is not None:
        qs = qs.filter(owner=flt.owner)
    if flt.unassigned:
        qs = qs.filter(owner__isnull=True)
    if flt.team is not None:
        qs = qs.filter(team=flt.team)
    if flt.priority is not None:
        qs = qs.filter(priority=flt.priority)
    if flt.type is not None:
        qs = qs.filter(type=flt.type)
    if flt.scope:
        qs = qs.filter(scope=flt.scope)
    if flt.channel:
        qs = qs.filter(channel=flt.channel)
    if flt.company:
        qs = qs.filter(company__name__icontains=flt.company)
    if flt.created_from is not None:
        qs = qs.filter(created_at__gte=_start_of(flt.created_from))
    if flt.created_to is not None:
        qs = qs.filter(created_at__lt=_start_of(flt.created_to + dt.timedelta(days=1)))
    return qs


def queue_page(
    user: AnyUser,
    flt: QueueFilter,
    *,
    after: Cursor | None = None,
    limit: int | None = None,
) -> QueuePage:
    """One page of a queue: high priority first, then oldest, by key set.

    The page after ``after`` starts strictly past its sort key
    (rank, created_at, id), so no row is skipped or repeated when tickets
    are added meanwhile, and no page costs more than the first.
    """
    qs = (
        filtered_tickets(user, flt)
        .select_related(*QUEUE_RELATED)
        .annotate(sort_rank=_sort_rank())
    )
    if after is not None:
        qs = qs.filter(
            Q(sort_rank__gt=after.rank)
            | Q(sort_rank=after.rank, created_at__gt=after.created_at)
            | Q(sort_rank=after.rank, created_at=after.created_at, id__gt=after.id)
        )
    limit = limit or PAGE_SIZE
    rows = list(qs.order_by("sort_rank", "created_at", "id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = Cursor(last.sort_rank, last.created_at, last.pk).encode()
    return QueuePage(rows, cursor)


# -- board -------------------------------------------------------------------


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    tickets: list[Ticket]
    count: int


def board(user: AnyUser, pipeline: Pipeline) -> list[BoardColumn]:
    """The pipeline's stages as columns (closed left out), each with its
    first cards in queue order and its full count. Three queries."""
    stages = [s for s in pipeline.stages.order_by("position") if s.kind != "closed"]
    qs = visible_tickets(user).filter(
        pipeline=pipeline, stage__in=[s.pk for s in stages]
    )
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("id")))
    ranked = (
        qs.select_related("priority", "owner", "requester", "company", "type")
        .annotate(
            sort_rank=_sort_rank(),
            row=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[_sort_rank().asc(), F("created_at").asc(), F("id").asc()],
            ),
        )
        .filter(row__lte=BOARD_CARDS_PER_STAGE)
        .order_by("sort_rank", "created_at", "id")
    )
    cards: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in ranked:
        cards[ticket.stage_id].append(ticket)
    return [BoardColumn(s, cards[s.pk], counts.get(s.pk, 0)) for s in stages]


# -- triage ------------------------------------------------------------------


def triage_tickets(user: AnyUser, *, limit: int = 100) -> list[Ticket]:
    """Active tickets of triage pipelines still missing a classification
    field or an owner, oldest first."""
    return list(
        visible_tickets(user)
        .filter(pipeline__is_triage=True, stage__kind__in=ACTIVE_KINDS)
        .filter(_unclassified())
        .select_related(*QUEUE_RELATED)
        .order_by("created_at", "id")[:limit]
    )


# -- choices for forms -------------------------------------------------------


def agents() -> QuerySet[User]:
    """Active staff who can own tickets, by name."""
    return User.objects.filter(is_active=True, agent__isnull=False).order_by(
        "first_name", "last_name", "username"
    )


def stages_of(pipelines: QuerySet[Pipeline]) -> QuerySet[Stage]:
    return Stage.objects.filter(pipeline__in=pipelines).select_related("pipeline")


def types_of(pipelines: QuerySet[Pipeline]) -> QuerySet[TicketType]:
    return TicketType.objects.filter(pipeline__in=pipelines).select_related("pipeline")


def reasons() -> QuerySet[Reason]:
    return Reason.objects.all()


def priorities() -> QuerySet[Priority]:
    return Priority.objects.all()


def teams() -> QuerySet[Team]:
    return Team.objects.all()


# -- the ticket page ---------------------------------------------------------


def customer_history(ticket: Ticket, user: AnyUser, *, limit: int = 10) -> list[Ticket]:
    """Other tickets of the same requester (or company) the user may see."""
    if ticket.requester_id is None and ticket.company_id is None:
        return []
    who = (
        Q(requester=ticket.requester_id)
        if ticket.requester_id
        else Q(company=ticket.company_id)
    )
    return list(
        visible_tickets(user)
        .filter(who)
        .exclude(pk=ticket.pk)
        .select_related("stage", "pipeline")
        .order_by("-created_at")[:limit]
    )


def attachments_of(ticket: Ticket) -> QuerySet[Attachment]:
    return ticket.attachments.select_related("uploaded_by", "message").order_by(
        "created_at", "id"
    )


def attachment_of(ticket: Ticket, attachment_id: int) -> Attachment | None:
    """The attachment of an already access-checked ticket, or None."""
    return ticket.attachments.filter(pk=attachment_id).first()


def find_contacts(text: str, *, limit: int = 8) -> list[Contact]:
    """Contacts whose name or email contains ``text``, for the lookup."""
    text = text.strip()
    if len(text) < 2:
        return []
    return list(
        Contact.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))
        .select_related("company")
        .order_by("name", "id")[:limit]
    )


def contact_by_id(contact_id: int) -> Contact | None:
    return Contact.objects.filter(pk=contact_id).select_related("company").first()
