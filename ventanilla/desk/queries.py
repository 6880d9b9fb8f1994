"""Reads of the desk: navigation counts, queues, the board, triage.

Every read starts from ``directory.access.visible_tickets`` or
``visible_pipelines``, so a page can only show what its user may see.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.fields.tuple_lookups import (  # type: ignore[import-untyped]
    Tuple,
    TupleGreaterThan,
)
from django.db.models.functions import NullIf, RowNumber
from django.utils import timezone

from ventanilla.desk.catalogue import ATTACHED, Catalogue
from ventanilla.desk.catalogue import catalogue as read_catalogue
from ventanilla.desk.models import SavedFilter
from ventanilla.directory.access import (
    AnyUser,
    access_ticket,
    visible_pipelines,
    visible_tickets,
)
from ventanilla.directory.models import Contact, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.routing.models import Tag, TicketTag
from ventanilla.search import queries as search
from ventanilla.tickets.models import NO_SLA_DUE, Attachment, Ticket

# Stages a queue shows unless the user asks for another status.
ACTIVE_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)
# The others: every stage is of one kind or another.
DONE_KINDS = (StageKind.RESOLVED, StageKind.CLOSED)
STATUS_KINDS: dict[str, tuple[StageKind, ...]] = {
    "active": ACTIVE_KINDS,
    "resolved": (StageKind.RESOLVED,),
    "closed": (StageKind.CLOSED,),
    "all": (),
}
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
# What queue and search rows join; the rest comes from the catalogue.
ROW_RELATED = ("requester", "company")
# The columns a queue row shows (``desk_extras.queue_rows``), its cursor
# and its configuration keys: a row reads no other.
ROW_FIELDS = (
    "number",
    "subject",
    "scope",
    "created_at",
    "priority_rank",
    "sla_due_at",
    "pipeline",
    "stage",
    "type",
    "priority",
    "owner",
    "team",
    "requester__name",
    "company__name",
)
PAGE_SIZE = 50
BOARD_CARDS_PER_STAGE = 40
# Tickets without a running SLA sort after every due time (the value stored
# in ``Ticket.sla_due_at`` for them).
NO_DUE = NO_SLA_DUE
# The queue order: the columns ``Ticket`` keeps for it and its indexes.
QUEUE_ORDER = ("priority_rank", "sla_due_at", "created_at", "id")


def _sla_due() -> NullIf:
    """The ticket's next SLA due time, None when no clock runs."""
    return NullIf(F("sla_due_at"), Value(NO_SLA_DUE))


StageIds = Mapping[str, list[int]]


def stage_ids() -> StageIds:
    """Every stage's id by kind; one query on a small table.

    Queues filter tickets by ``stage_id IN (ids)`` rather than by a join on
    the stage's kind: with literal ids PostgreSQL uses the (owner, stage)
    and stage indexes of tickets instead of reading a whole pipeline.
    """
    ids: dict[str, list[int]] = defaultdict(list)
    for pk, kind in Stage.objects.order_by().values_list("pk", "kind"):
        ids[kind].append(pk)
    return ids


def _in_kinds(stages: StageIds, kinds: Sequence[str]) -> Q:
    return Q(stage_id__in=[pk for kind in kinds for pk in stages.get(kind, [])])


def warning_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.VENTANILLA_DESK_SLA_WARNING_MINUTES)


def at_risk(now: dt.datetime | None = None) -> Q:
    """Tickets whose SLA is breached, past its warning time, or due within
    the warning window.

    Both times are kept on the ticket by ``sla.actions`` (the earliest
    warning time and the next due time of its pending targets, sentinels
    when no clock runs: a waiting, resolved or closed ticket is never at
    risk), so the condition is two index ranges. A target has a warning
    time no later than its due time, so a breached one is always past its
    warning time too.
    """
    now = now or timezone.now()
    return Q(sla_warn_at__lte=now) | Q(sla_due_at__lte=now + warning_window())


def breaching(stages: StageIds, now: dt.datetime | None = None) -> Q:
    """Active tickets at risk (``at_risk``)."""
    return _in_kinds(stages, ACTIVE_KINDS) & at_risk(now)


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
class SavedCount:
    saved: SavedFilter
    count: int


@dataclass(frozen=True)
class Navigation:
    pipelines: list[PipelineCount]
    mine: int
    unassigned: int
    waiting: int
    breaching: int
    triage: int
    has_triage: bool
    saved: list[SavedCount]


def navigation(user: AnyUser) -> Navigation:
    """The sidebar: each visible pipeline with its active tickets, the
    counts of the personal queues and of the user's saved filters. Five
    queries, whatever the volume and the number of saved filters (one pass
    over the active tickets for the pipelines and the personal queues)."""
    pipelines = list(visible_pipelines(user).order_by("position", "name"))
    stages = stage_ids()
    visible = visible_tickets(user)
    active = visible.filter(_in_kinds(stages, ACTIVE_KINDS))
    # One pass over the active tickets, grouped by pipeline: the pipelines'
    # counts, and the personal ones summed here (unclassified ones only
    # count in triage pipelines).
    rows = (
        active.order_by()
        .values("pipeline")
        .annotate(
            n=Count("id"),
            mine=Count("id", filter=Q(owner=user.pk)),
            unassigned=Count("id", filter=Q(owner__isnull=True)),
            waiting=Count("id", filter=_in_kinds(stages, [StageKind.WAITING_CUSTOMER])),
            unclassified=Count("id", filter=_unclassified()),
        )
    )
    triage_ids = {p.pk for p in pipelines if p.is_triage}
    per_pipeline: dict[int, int] = {}
    totals = {"mine": 0, "unassigned": 0, "waiting": 0, "triage": 0}
    for row in rows:
        per_pipeline[row["pipeline"]] = row["n"]
        for key in ("mine", "unassigned", "waiting"):
            totals[key] += row[key]
        if row["pipeline"] in triage_ids:
            totals["triage"] += row["unclassified"]
    # The SLA join is its own query: the counts above stay join-free.
    totals["breaching"] = visible.filter(breaching(stages)).count()
    saved = saved_filters(user)
    counts = (
        visible.aggregate(
            **{
                f"s{item.pk}": Count(
                    "id",
                    filter=filter_q(
                        user,
                        filter_from_params(user, item.view, item.params),
                        stages,
                    ),
                )
                for item in saved
            }
        )
        if saved
        else {}
    )
    return Navigation(
        pipelines=[PipelineCount(p, per_pipeline.get(p.pk, 0)) for p in pipelines],
        mine=totals["mine"],
        unassigned=totals["unassigned"],
        waiting=totals["waiting"],
        breaching=totals["breaching"],
        triage=totals["triage"],
        has_triage=any(p.is_triage for p in pipelines),
        saved=[SavedCount(item, counts[f"s{item.pk}"]) for item in saved],
    )


def pipeline_by_slug(user: AnyUser, slug: str) -> Pipeline | None:
    return visible_pipelines(user).filter(slug=slug).first()


# -- queues ------------------------------------------------------------------


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key of its last row (priority rank, SLA
    due time, creation time, id)."""

    rank: int
    due: dt.datetime
    created_at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{self.rank}.{_micros(self.due)}.{_micros(self.created_at)}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        """The cursor in ``raw``, or None when it is not one of ours."""
        parts = raw.split(".")
        if len(parts) != 4 or not all(p.isdigit() and len(p) < 20 for p in parts):
            return None
        rank, due, created, pk = (int(p) for p in parts)
        try:
            moments = [_EPOCH + dt.timedelta(microseconds=m) for m in (due, created)]
        except OverflowError:
            return None
        return cls(rank, moments[0], moments[1], pk)


@dataclass(frozen=True)
class QueueFilter:
    """What a queue page is restricted to; every field is optional."""

    # Rows or their ids (a saved filter keeps ids).
    pipeline: Pipeline | int | None = None
    stage: Stage | int | None = None
    stage_kind: str = ""
    status: str = "active"
    owner: User | int | None = None
    unassigned: bool = False
    team: Team | int | None = None
    priority: Priority | int | None = None
    type: TicketType | int | None = None
    reason: Reason | int | None = None
    scope: str = ""
    channel: str = ""
    company: str = ""
    tag: Tag | int | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    updated_from: dt.date | None = None
    updated_to: dt.date | None = None
    text: str = ""
    breaching: bool = False


@dataclass(frozen=True)
class QueuePage:
    tickets: Sequence[Ticket]
    next_cursor: str | None


QUEUE_VIEWS = ("mine", "unassigned", "waiting", "breaching", "all")
ID_PARAMS = ("pipeline", "stage", "owner", "team", "priority", "type", "reason", "tag")
DATE_PARAMS = ("created_from", "created_to", "updated_from", "updated_to")
TEXT_PARAMS = ("status", "scope", "channel", "company", "q")
FILTER_PARAMS = (*ID_PARAMS, *DATE_PARAMS, *TEXT_PARAMS)


def preset(view: str, user: AnyUser) -> dict[str, Any]:
    """What a named queue is restricted to before its filters."""
    if view == "mine":
        return {"owner": user.pk}
    if view == "unassigned":
        return {"unassigned": True}
    if view == "waiting":
        return {"stage_kind": StageKind.WAITING_CUSTOMER}
    if view == "breaching":
        return {"breaching": True}
    return {}


def filter_from_params(
    user: AnyUser, view: str, params: Mapping[str, str]
) -> QueueFilter:
    """A saved filter's ``QueueFilter`` without reading a row: ids stay ids
    (a row that went away, or one the user may not see, matches nothing
    more than ``visible_tickets`` lets through)."""
    values: dict[str, Any] = {}
    for name in ID_PARAMS:
        raw = str(params.get(name, ""))
        if raw.isdigit() and len(raw) < 19:
            values[name] = int(raw)
    for name in DATE_PARAMS:
        with contextlib.suppress(ValueError):
            values[name] = dt.date.fromisoformat(str(params.get(name, "")))
    status = str(params.get("status", ""))
    values.update(
        status=status if status in STATUS_KINDS else "active",
        scope=str(params.get("scope", "")),
        channel=str(params.get("channel", "")),
        company=str(params.get("company", "")).strip(),
        text=str(params.get("q", "")).strip(),
    )
    values.update(preset(view, user))
    return QueueFilter(**values)


# Saved filters shown in the sidebar at most.
MAX_SAVED_IN_NAV = 20


def saved_filters(user: AnyUser) -> list[SavedFilter]:
    """The user's own saved filters and those shared with a team of theirs."""
    if not user.is_authenticated:
        return []
    teams = Team.objects.filter(agents__user=user.pk).values("pk")
    return list(
        SavedFilter.objects.filter(Q(user=user.pk) | Q(team__in=teams))
        .select_related("user", "team")
        .order_by("name", "id")[:MAX_SAVED_IN_NAV]
    )


def saved_filter(user: AnyUser, pk: int) -> SavedFilter | None:
    return next((item for item in saved_filters(user) if item.pk == pk), None)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the current (organisation's) time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": _start_of(start)})
    if end is not None:
        q &= Q(**{f"{field}__lt": _start_of(end + dt.timedelta(days=1))})
    return q


def filter_q(user: AnyUser, flt: QueueFilter, stages: StageIds) -> Q:
    """The conditions of ``flt`` on tickets (visibility not included), as
    one ``Q`` so that many filters can be counted in one query."""
    q = Q()
    if flt.pipeline is not None:
        q &= Q(pipeline=flt.pipeline)
    if flt.stage is not None:
        q &= Q(stage=flt.stage)
    elif flt.stage_kind:
        q &= _in_kinds(stages, [flt.stage_kind])
    elif flt.breaching and flt.status == "active":
        # The same stages, named by what they are not: with ``stage_id IN
        # (active)`` PostgreSQL intersects the at-risk rows with every
        # active ticket's (an index bitmap of 140,000 rows at a million
        # tickets), then sorts; with ``NOT IN (resolved, closed)`` it walks
        # the queue order index, where the tickets at risk come first, and
        # stops after a page (17 ms -> 1 ms, ``bench/RESULTS.md``).
        q &= ~_in_kinds(stages, DONE_KINDS)
    elif STATUS_KINDS.get(flt.status):
        q &= _in_kinds(stages, STATUS_KINDS[flt.status])
    simple = {
        "owner": flt.owner,
        "team": flt.team,
        "priority": flt.priority,
        "type": flt.type,
        "reason": flt.reason,
    }
    q &= Q(**{k: v for k, v in simple.items() if v is not None})
    if flt.unassigned:
        q &= Q(owner__isnull=True)
    if flt.scope:
        q &= Q(scope=flt.scope)
    if flt.channel:
        q &= Q(channel=flt.channel)
    if flt.company:
        q &= Q(company__name__icontains=flt.company)
    if flt.tag is not None:
        # A subquery, not a join: a ticket shows once whatever its tags.
        tagged = TicketTag.objects.filter(tag=flt.tag).values("ticket_id")
        q &= Q(id__in=tagged)
    q &= _day_range("created_at", flt.created_from, flt.created_to)
    q &= _day_range("updated_at", flt.updated_from, flt.updated_to)
    if flt.text:
        q &= search.matching_q(flt.text)
    if flt.breaching:
        # The status (active by default) already names the stages.
        q &= at_risk()
    return q


def filtered_tickets(
    user: AnyUser, flt: QueueFilter, catalogue: Catalogue | None = None
) -> QuerySet[Ticket]:
    """The tickets of ``flt`` that ``user`` sees; with the page's
    ``catalogue``, by the ids of the pipelines it has read and with the
    stages it keeps (no query for either)."""
    if catalogue is None:
        return visible_tickets(user).filter(filter_q(user, flt, stage_ids()))
    visible = visible_tickets(user, pipeline_ids=catalogue.visible)
    return visible.filter(filter_q(user, flt, catalogue.tables.stage_ids))


def queue_page(
    user: AnyUser,
    flt: QueueFilter,
    *,
    after: Cursor | None = None,
    limit: int | None = None,
    catalogue: Catalogue | None = None,
) -> QueuePage:
    """One page of a queue, by key set: high priority first, then the
    nearest SLA due time (tickets without a running clock last), then
    oldest.

    The order is the tuple of columns ``QUEUE_ORDER`` that ``Ticket``
    keeps for it (``priority_rank``, ``sla_due_at``: sentinels rather than
    NULL, so the order is the same on PostgreSQL and SQLite), served by the
    ticket's order indexes: a page reads its rows in order and stops after
    ``limit + 1``. The page after ``after`` starts strictly past its sort
    key with one row comparison, which the index seeks to, so no row is
    skipped or repeated when tickets are added meanwhile, and no page costs
    more than the first. Each row carries ``sla_due`` (None without a
    running clock).

    Two queries: the page's ids (the tickets table alone, so that when
    the candidates must be sorted, as for the SLA-at-risk queue, they are
    sorted narrow, before any join), then those rows with their requester
    and company. Their configuration objects come from ``catalogue`` (read
    here when not given).
    """
    catalogue = catalogue or read_catalogue(user)
    qs = filtered_tickets(user, flt, catalogue)
    if after is not None:
        qs = qs.filter(
            TupleGreaterThan(
                Tuple(*(F(name) for name in QUEUE_ORDER)),
                (after.rank, after.due, after.created_at, after.id),
            )
        )
    limit = limit or PAGE_SIZE
    ids = list(qs.order_by(*QUEUE_ORDER).values_list("id", flat=True)[: limit + 1])
    more = len(ids) > limit
    ids = ids[:limit]
    found = (
        Ticket.objects.filter(id__in=ids)
        .select_related(*ROW_RELATED)
        .only(*ROW_FIELDS)
        .annotate(sla_due=_sla_due())
        .in_bulk()
    )
    rows = [found[pk] for pk in ids]
    catalogue.attach(rows)
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = Cursor(
            last.priority_rank, last.sla_due_at, last.created_at, last.pk
        ).encode()
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
            row=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[
                    F("priority_rank").asc(),
                    F("created_at").asc(),
                    F("id").asc(),
                ],
            ),
        )
        .filter(row__lte=BOARD_CARDS_PER_STAGE)
        .order_by("priority_rank", "created_at", "id")
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


def stages_of(pipelines: QuerySet[Pipeline]) -> QuerySet[Stage]:
    return Stage.objects.filter(pipeline__in=pipelines).select_related("pipeline")


def types_of(pipelines: QuerySet[Pipeline]) -> QuerySet[TicketType]:
    return TicketType.objects.filter(pipeline__in=pipelines).select_related("pipeline")


# -- the ticket page ---------------------------------------------------------


def ticket_for_page(user: AnyUser, number: int, catalogue: Catalogue) -> Ticket:
    """``access_ticket``'s ticket read with its requester and company only;
    its configuration objects come from ``catalogue``. Eight joins cost
    PostgreSQL 4-6 ms of planning for a 0.2 ms query."""
    ticket = access_ticket(user, number, related=ROW_RELATED)
    catalogue.attach([ticket], (*ATTACHED, "reason"))
    return ticket


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


# -- search ------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResults:
    tickets: Sequence[Ticket]
    more: bool
    # More tickets matched than were ranked (``candidates``).
    capped: bool = False


def search_results(
    user: AnyUser,
    text: str,
    *,
    limit: int,
    candidates: int,
    catalogue: Catalogue | None = None,
) -> SearchResults:
    """The best ``limit`` visible tickets for ``text``, by rank then
    recency, with their SLA due time, ranked among the newest
    ``candidates`` matches.

    A bounded top-N rather than pages: ranking needs every candidate scored
    before the first row is known, so a second page would cost as much as
    the first; past the best matches, narrowing the words (or the ``q``
    filter of a queue, which pages by key set through every match) serves
    better. Ranking every match of common words in a large desk takes
    seconds (``bench/RESULTS.md``), so only the newest ``candidates`` are
    ranked, and the page says when more matched.
    """
    catalogue = catalogue or read_catalogue(user)
    # By literal pipeline ids, as queues: joined to the agent's teams, the
    # matches' index bitmap was built once per visible pipeline.
    visible = visible_tickets(user, pipeline_ids=catalogue.visible)
    ids = search.newest_matches(visible, text, limit=candidates)
    rows = list(
        search.rank_tickets(Ticket.objects.filter(id__in=ids), text)
        .select_related(*ROW_RELATED)
        .annotate(sla_due=_sla_due())[: limit + 1]
    )
    catalogue.attach(rows)
    capped = len(ids) >= candidates
    return SearchResults(rows[:limit], len(rows) > limit or capped, capped)
