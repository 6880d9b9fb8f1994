"""Realistic Spanish demo tickets with a plausible history.

Every ticket is written through ``ventanilla.tickets.actions`` while the
clock is moved back to the moment each step happened, so the audit trail,
first-response and resolution times, SLA clocks and reports all see a
working help desk of the last weeks rather than rows born at once.

The story of each ticket (how it arrives, who classifies it, what is asked
and answered, how it ends) is planned first; then the steps of all the
stories run in time order, so ticket numbers follow arrival order just as
they would have.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from ventanilla.agenda.demo import plan_demo_activities
from ventanilla.demo import texts
from ventanilla.demo.office import OfficeCalendar
from ventanilla.demo.organisation import build_organisation
from ventanilla.demo.stories import (
    STORIES_BY_KEY,
    Action,
    Org,
    Plan,
    Step,
    TicketStory,
    load_org,
)
from ventanilla.demo.texts import Entry, Story
from ventanilla.notifications.receivers import quiet
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import Ticket

# Outcomes of unfinished work, which happened recently.
_YOUNG_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)
# How a ticket of a given age has most likely ended up: recent ones are
# still being worked, older ones are mostly closed. Order: new, open,
# waiting on customer, waiting on third party, resolved, closed.
_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
    StageKind.RESOLVED,
    StageKind.CLOSED,
)
_KIND_WEIGHTS_BY_AGE = (
    (1.5, (40, 28, 12, 8, 8, 4)),
    (7.0, (6, 22, 20, 12, 22, 18)),
    (float("inf"), (2, 5, 7, 5, 4, 77)),
)
# Plans that make sure even a small demo shows every pipeline, every kind
# of stage, all priorities, the triage queue, a follow-up, a merge and a
# link: (story, final stage kind, extra, forced entry).
_COVERAGE: tuple[tuple[str, StageKind, str, Entry | None], ...] = (
    ("adicion", StageKind.NEW, "", Entry.TRIAGE),
    ("estado_cuenta", StageKind.CLOSED, "follow_up", None),
    ("rescate", StageKind.OPEN, "duplicate", Entry.TRIAGE),
    ("sunat", StageKind.WAITING_THIRD_PARTY, "", None),
    ("factura_proveedor", StageKind.RESOLVED, "", None),
    ("solicitud_factoring", StageKind.WAITING_CUSTOMER, "related", None),
    ("liquidacion", StageKind.WAITING_THIRD_PARTY, "", None),
    ("desembolso", StageKind.RESOLVED, "", None),
    ("sop_interno", StageKind.OPEN, "", None),
    ("tic_equipo", StageKind.CLOSED, "", None),
    ("consulta_general", StageKind.CLOSED, "", None),
)


def _fits(story: Story, org: Org) -> bool:
    return (
        bool(org.pools.get(story.requesters))
        and (story.pipeline, story.type) in org.types
    )


def _suits(story: Story, extra: str, org: Org) -> bool:
    """Whether the story can carry ``extra``: only people write follow-ups
    and resend mail, and only some requests lead to a second ticket."""
    if extra == "related":
        other = texts.RELATED_STORIES.get(story.key)
        return other is not None and _fits(STORIES_BY_KEY[other.story], org)
    if extra in ("follow_up", "duplicate"):
        resent = extra == "follow_up" or Entry.TRIAGE in story.entries
        return story.replies and story.signed and resent
    return True


def _plans(target: int, rng: random.Random, org: Org) -> list[Plan]:
    """Plans for exactly ``target`` tickets: the coverage set, then random
    stories weighted as the seeds describe (Finanzas and triage heavier),
    one in about 25 with a second ticket (follow-up, duplicate, related)."""
    plans: list[Plan] = []
    made = 0
    for key, kind, extra, entry in _COVERAGE:
        plan = Plan(STORIES_BY_KEY[key], kind, extra, entry, fixed=True)
        if _fits(plan.story, org) and made + plan.tickets <= target:
            plans.append(plan)
            made += plan.tickets
    stories = [s for s in texts.STORIES if _fits(s, org)]
    remaining = target - made
    extras = remaining // 25
    for index in range(remaining - extras):
        extra = (
            rng.choice(("follow_up", "duplicate", "related")) if index < extras else ""
        )
        eligible = [s for s in stories if _suits(s, extra, org)]
        story = rng.choices(eligible, [s.weight for s in eligible])[0]
        plan = Plan(story, None, extra, fixed=bool(extra))
        if extra == "follow_up":
            plan.kind = StageKind.CLOSED
        elif extra == "duplicate":
            plan.entry = Entry.TRIAGE
        plans.append(plan)
    return plans


def _at_office_time(
    office: list[tuple[datetime, datetime]], offset: timedelta
) -> datetime:
    """The moment ``offset`` of opening time after the first opening."""
    for opens, closes in office:
        if offset < closes - opens:
            return opens + offset
        offset -= closes - opens
    return office[-1][1]


def _place(
    plans: list[Plan], rng: random.Random, cal: OfficeCalendar, now: datetime, days: int
) -> None:
    """Give each plan its arrival time, and an outcome fitting its age.

    Arrivals are spread evenly over the period, mostly in office hours.
    Fixed plans take a time that suits them: unfinished work is recent,
    finished work and second tickets are older.
    """
    span = timedelta(days=days)
    latest = now - timedelta(minutes=20)
    office = cal.office_hours(now - span, latest)
    open_time = sum((closes - opens for opens, closes in office), timedelta(0))
    starts = []
    for index in range(len(plans)):
        fraction = (index + rng.random()) / len(plans)
        if office and rng.random() < 0.85:
            starts.append(_at_office_time(office, open_time * fraction))
        else:  # Mail also arrives at night and on weekends.
            starts.append(min(now - span + span * fraction, latest))
    starts.sort()
    free = list(range(len(starts)))
    recent = max(1, len(starts) * 35 // 100)

    def take(young: bool) -> int:
        pool = [i for i in free if (i >= len(starts) - recent) == young] or free
        slot = rng.choice(pool)
        free.remove(slot)
        return slot

    for plan in plans:
        if plan.fixed:
            plan.start = starts[take(plan.kind in _YOUNG_KINDS)]
    for plan in plans:
        if plan.start is None:
            slot = rng.choice(free)
            free.remove(slot)
            plan.start = starts[slot]
        if plan.kind is None:
            age = (now - plan.start).total_seconds() / 86400
            weights = next(w for limit, w in _KIND_WEIGHTS_BY_AGE if age < limit)
            plan.kind = rng.choices(_KINDS, weights)[0]
            if plan.extra and plan.kind == StageKind.NEW:
                # Its second ticket comes from working the first one.
                plan.kind = StageKind.OPEN


def _schedule(
    story: TicketStory,
    steps: list[Step],
    cal: OfficeCalendar,
    limit: datetime,
    *,
    fixed: bool,
) -> list[datetime]:
    """When each step happens: after its gap, in office hours or at a triage
    round when the step says so.

    A story that runs past ``limit`` stops there: a ticket that arrived on
    Saturday still waits for Monday's triage round. A fixed story must
    reach its outcome, so it is squeezed into the time left instead,
    keeping the order of its steps.
    """
    moments = []
    moment = story.start
    for step in steps:
        moment += step.gap
        if step.when == "business":
            moment = cal.business(moment)
        elif step.when == "review":
            moment = cal.next_review(moment)
        moments.append(moment)
    if moments[-1] <= limit:
        return moments
    if not fixed:
        return [moment for moment in moments if moment <= limit]
    scale = (limit - story.start) / (moments[-1] - story.start)
    return [story.start + (m - story.start) * scale for m in moments]


def generate_tickets(count: int = 320, *, days: int = 60, seed: int = 42) -> int:
    """Create demo tickets until there are ``count``; return how many were made.

    Nothing is created when ``count`` tickets exist already, so running the
    demo twice leaves the data as it was. The same ``seed`` tells the same
    stories, relative to the current time.

    Call it outside a transaction: replies are kept from being mailed when
    this function's transaction commits, not when an outer one would.
    """
    build_organisation()
    before = Ticket.objects.count()
    if before >= count:
        return 0
    rng = random.Random(seed)
    cal = OfficeCalendar(rng, timezone.get_default_timezone())
    now = timezone.now()
    limit = now - timedelta(minutes=1)
    org = load_org()
    plans = _plans(count - before, rng, org)
    _place(plans, rng, cal, now, days)
    timeline: list[tuple[datetime, int, int, Action]] = []
    for plan_index, plan in enumerate(plans):
        story = TicketStory(plan, org, rng, cal)
        steps = story.steps()
        moments = _schedule(story, steps, cal, limit, fixed=plan.fixed)
        timeline += [
            (moment, plan_index, step_index, step.action)
            # Steps past the end of the story's time did not happen (yet).
            for step_index, (moment, step) in enumerate(
                zip(moments, steps, strict=False)
            )
        ]
    timeline.sort(key=lambda item: item[:3])
    # One transaction: the demo appears whole or not at all, and SQLite
    # writes it in one go. (The replies of this history are recorded with
    # deliver=False: they went out when they were written.)
    with transaction.atomic(), quiet():  # history: no customer mail
        for moment, _plan, _step, action in timeline:
            with time_machine.travel(moment, tick=False):
                action()
    # Today's agenda of the agents who own the open tickets.
    plan_demo_activities()
    return Ticket.objects.count() - before
