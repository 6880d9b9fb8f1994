"""The routing engine: a pure function from facts to a decision (R-CLS-6).

``decide(facts, rules)`` reads no database and no settings; the rules come
compiled (``compile_rule``) and ordered. It is applied to a ticket by
``routing.actions.apply_decision``, which goes through ``tickets.actions``.

Policy, in rule order (``position``, then id):

1. A rule applies when its conditions hold (``RuleConditions``).
2. Each field takes the value of the FIRST applying rule that sets it;
   later rules cannot overwrite it. Tags accumulate over every applying
   rule. A rule with ``stop_processing`` ends the evaluation.
3. A ticket type belongs to a pipeline. A rule that sets a type and no
   pipeline, when no pipeline was decided yet, decides that pipeline too
   (attributed to the same rule). A type whose pipeline differs from the
   pipeline already decided is skipped and reported in ``skipped``.
4. The ``scopes`` condition sees the scope decided so far (the fact, or
   an earlier rule's ``scope`` action); every other condition sees only
   the facts.
5. A message that arrived on a triage pipeline and that no rule sent to
   another pipeline is flagged for triage: with ``missing_initial`` when
   its subject has no initial, ``unknown_initial`` when it has one no rule
   knows (e.g. ``XYZ:``), ``unrouted_initial`` when a known initial did
   not route it (R-CLS-2).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ventanilla.routing.initials import DEFAULT_INITIALS, SubjectInitial, read_initial
from ventanilla.routing.schemas import RuleActions, RuleConditions
from ventanilla.routing.text import Keywords, Searchable, keywords, searchable

V = TypeVar("V", int, str)


@dataclass(frozen=True)
class Facts:
    """What is known about a request when it is routed.

    ``default_pipeline_id`` is where the request landed (the mailbox's
    pipeline); ``triage`` says whether that pipeline is a triage pipeline.
    ``scope`` is empty when not known yet.
    """

    subject: str = ""
    body: str = ""
    sender: str = ""
    mailbox: str = ""
    channel: str = ""
    company_id: int | None = None
    company_kind: str = ""
    institutional_investor: bool = False
    scope: str = ""
    default_pipeline_id: int | None = None
    triage: bool = False
    urgent: bool = False


class TriageFlag(enum.StrEnum):
    MISSING_INITIAL = "missing_initial"
    UNKNOWN_INITIAL = "unknown_initial"
    UNROUTED_INITIAL = "unrouted_initial"


@dataclass(frozen=True)
class Choice(Generic[V]):
    """A decided value and the rule that decided it."""

    value: V
    rule_id: int
    rule_name: str


@dataclass(frozen=True)
class Skipped:
    rule_id: int
    rule_name: str
    field: str
    reason: str


@dataclass(frozen=True)
class Decision:
    pipeline: Choice[int] | None = None
    type: Choice[int] | None = None
    reason: Choice[int] | None = None
    priority: Choice[int] | None = None
    team: Choice[int] | None = None
    owner: Choice[int] | None = None
    scope: Choice[str] | None = None
    tags: tuple[Choice[str], ...] = ()
    matched_rule_ids: tuple[int, ...] = ()
    initial: str = ""
    triage_flag: TriageFlag | None = None
    skipped: tuple[Skipped, ...] = ()

    FIELDS = ("pipeline", "type", "reason", "priority", "team", "owner", "scope")

    def choices(self) -> dict[str, Choice[Any]]:
        """The decided fields (tags apart), by field name."""
        found = {name: getattr(self, name) for name in self.FIELDS}
        return {name: choice for name, choice in found.items() if choice is not None}

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready record of the decision, for the decision log."""

        def one(choice: Choice[Any]) -> dict[str, Any]:
            return {
                "value": choice.value,
                "rule_id": choice.rule_id,
                "rule": choice.rule_name,
            }

        return {
            **{name: one(choice) for name, choice in self.choices().items()},
            "tags": [one(tag) for tag in self.tags],
            "matched_rule_ids": list(self.matched_rule_ids),
            "initial": self.initial,
            "triage_flag": self.triage_flag.value if self.triage_flag else "",
            "skipped": [
                {
                    "rule_id": s.rule_id,
                    "rule": s.rule_name,
                    "field": s.field,
                    "reason": s.reason,
                }
                for s in self.skipped
            ],
        }


@dataclass(frozen=True)
class _Prepared:
    facts: Facts
    subject: Searchable
    body: Searchable
    sender: str
    sender_domain: str
    mailbox: str
    initial: SubjectInitial | None


@dataclass(frozen=True)
class CompiledConditions:
    match_all: bool = True
    mailboxes: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    sender_addresses: frozenset[str] = frozenset()
    sender_domains: frozenset[str] = frozenset()
    initials: frozenset[str] = frozenset()
    subject_keywords: Keywords | None = None
    body_keywords: Keywords | None = None
    keywords: Keywords | None = None
    companies: frozenset[int] = frozenset()
    company_kinds: frozenset[str] = frozenset()
    institutional_investor: bool | None = None
    scopes: frozenset[str] = frozenset()
    urgent: bool | None = None

    # The tests this rule sets, computed once (see ``_active_tests``).
    tests: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tests", _active_tests(self))

    def matches(self, p: _Prepared, scope: str) -> bool:
        tests = self.tests
        if not tests:
            return True  # no test at all: a catch-all rule
        if len(tests) == 1:
            return bool(tests[0](self, p, scope))
        if self.match_all:
            return all(test(self, p, scope) for test in self.tests)
        return any(test(self, p, scope) for test in self.tests)


def _t_mailbox(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.mailbox in c.mailboxes


def _t_channel(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.facts.channel in c.channels


def _t_sender(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.sender in c.sender_addresses


def _t_domain(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    domain = p.sender_domain
    # A listed domain also covers its subdomains (mail.sunat.gob.pe).
    return any(domain == d or domain.endswith("." + d) for d in c.sender_domains)


def _t_initial(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.initial is not None and p.initial.code in c.initials


def _t_subject(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return c.subject_keywords is not None and c.subject_keywords.found_in(p.subject)


def _t_body(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return c.body_keywords is not None and c.body_keywords.found_in(p.body)


def _t_text(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    found = c.keywords
    return found is not None and (found.found_in(p.subject) or found.found_in(p.body))


def _t_company(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.facts.company_id in c.companies


def _t_company_kind(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.facts.company_kind in c.company_kinds


def _t_institutional(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.facts.institutional_investor is c.institutional_investor


def _t_scope(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return scope in c.scopes


def _t_urgent(c: CompiledConditions, p: _Prepared, scope: str) -> bool:
    return p.facts.urgent is c.urgent


_Test = Callable[["CompiledConditions", _Prepared, str], bool]


def _active_tests(c: CompiledConditions) -> tuple[_Test, ...]:
    """The tests a rule actually sets, cheapest first."""
    candidates: list[tuple[bool, _Test]] = [
        (bool(c.mailboxes), _t_mailbox),
        (bool(c.channels), _t_channel),
        (bool(c.sender_addresses), _t_sender),
        (bool(c.sender_domains), _t_domain),
        (bool(c.initials), _t_initial),
        (bool(c.companies), _t_company),
        (bool(c.company_kinds), _t_company_kind),
        (c.institutional_investor is not None, _t_institutional),
        (bool(c.scopes), _t_scope),
        (c.urgent is not None, _t_urgent),
        (c.subject_keywords is not None, _t_subject),
        (c.body_keywords is not None, _t_body),
        (c.keywords is not None, _t_text),
    ]
    return tuple(test for active, test in candidates if active)


@dataclass(frozen=True)
class CompiledActions:
    pipeline: int | None = None
    type: int | None = None
    # The pipeline the type belongs to; None when the type no longer exists.
    type_pipeline: int | None = None
    reason: int | None = None
    priority: int | None = None
    team: int | None = None
    owner: int | None = None
    tags: tuple[str, ...] = ()
    scope: str | None = None
    stop_processing: bool = False
    admit_bulk: bool = False
    # (field, id) of the plain id actions this rule sets, computed once.
    fields: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        plain = ("pipeline", "reason", "priority", "team", "owner")
        found = tuple(
            (name, value)
            for name in plain
            if (value := getattr(self, name)) is not None
        )
        object.__setattr__(self, "fields", found)


@dataclass(frozen=True)
class CompiledRule:
    id: int
    name: str
    conditions: CompiledConditions
    actions: CompiledActions


def compile_rule(
    *,
    rule_id: int,
    name: str,
    conditions: RuleConditions,
    actions: RuleActions,
    type_pipeline_id: int | None = None,
) -> CompiledRule:
    """Turn validated rule documents into the form ``decide`` evaluates."""
    compiled = CompiledConditions(
        match_all=conditions.match == "all",
        mailboxes=frozenset(conditions.mailboxes),
        channels=frozenset(conditions.channels),
        sender_addresses=frozenset(conditions.sender_addresses),
        sender_domains=frozenset(conditions.sender_domains),
        initials=frozenset(conditions.subject_initials),
        subject_keywords=keywords(conditions.subject_keywords),
        body_keywords=keywords(conditions.body_keywords),
        keywords=keywords(conditions.keywords),
        companies=frozenset(conditions.companies),
        company_kinds=frozenset(conditions.company_kinds),
        institutional_investor=conditions.institutional_investor,
        scopes=frozenset(conditions.scopes),
        urgent=conditions.urgent,
    )
    return CompiledRule(
        id=rule_id,
        name=name,
        conditions=compiled,
        actions=CompiledActions(
            pipeline=actions.pipeline,
            type=actions.type,
            type_pipeline=type_pipeline_id,
            reason=actions.reason,
            priority=actions.priority,
            team=actions.team,
            owner=actions.owner,
            tags=tuple(actions.tags),
            scope=actions.scope,
            stop_processing=actions.stop_processing,
            admit_bulk=actions.admit_bulk,
        ),
    )


def known_initials(rules: Sequence[CompiledRule]) -> frozenset[str]:
    """R-CLS-2's initials plus every initial a rule tests."""
    found = set(DEFAULT_INITIALS)
    for rule in rules:
        found |= rule.conditions.initials
    return frozenset(found)


def prepare(facts: Facts, known: frozenset[str]) -> _Prepared:
    sender = facts.sender.strip().lower()
    return _Prepared(
        facts=facts,
        subject=searchable(facts.subject),
        body=searchable(facts.body),
        sender=sender,
        sender_domain=sender.rpartition("@")[2],
        mailbox=facts.mailbox.strip().lower(),
        initial=read_initial(facts.subject, known),
    )


def decide(facts: Facts, rules: Sequence[CompiledRule]) -> Decision:
    """Evaluate ``rules`` in order against ``facts`` (policy: module doc)."""
    p = prepare(facts, known_initials(rules))
    chosen: dict[str, Choice[Any]] = {}
    tags: dict[str, Choice[str]] = {}
    matched: list[int] = []
    skipped: list[Skipped] = []
    scope = facts.scope
    for rule in rules:
        if not rule.conditions.matches(p, scope):
            continue
        matched.append(rule.id)
        a = rule.actions
        for name, value in a.fields:
            if name not in chosen:
                chosen[name] = Choice(value, rule.id, rule.name)
        if a.type is not None:
            _decide_type(chosen, skipped, rule)
        if a.scope is not None and "scope" not in chosen:
            chosen["scope"] = Choice(a.scope, rule.id, rule.name)
            scope = a.scope
        for tag in a.tags:
            key = tag.casefold()
            if key not in tags:
                tags[key] = Choice(tag, rule.id, rule.name)
        if a.stop_processing:
            break
    return Decision(
        **chosen,
        tags=tuple(tags.values()),
        matched_rule_ids=tuple(matched),
        initial=p.initial.code if p.initial else "",
        triage_flag=_triage_flag(facts, p.initial, chosen.get("pipeline")),
        skipped=tuple(skipped),
    )


def _decide_type(
    chosen: dict[str, Choice[Any]], skipped: list[Skipped], rule: CompiledRule
) -> None:
    a = rule.actions
    assert a.type is not None  # noqa: S101 - checked by the caller
    if "type" in chosen:
        return
    if a.type_pipeline is None:
        skipped.append(Skipped(rule.id, rule.name, "type", "unknown_type"))
        return
    pipeline = chosen.get("pipeline")
    if pipeline is None:
        chosen["pipeline"] = Choice(a.type_pipeline, rule.id, rule.name)
    elif pipeline.value != a.type_pipeline:
        skipped.append(Skipped(rule.id, rule.name, "type", "pipeline_mismatch"))
        return
    chosen["type"] = Choice(a.type, rule.id, rule.name)


def _triage_flag(
    facts: Facts, initial: SubjectInitial | None, pipeline: Choice[int] | None
) -> TriageFlag | None:
    if not facts.triage:
        return None
    if pipeline is not None and pipeline.value != facts.default_pipeline_id:
        return None
    if initial is None:
        return TriageFlag.MISSING_INITIAL
    if not initial.known:
        return TriageFlag.UNKNOWN_INITIAL
    return TriageFlag.UNROUTED_INITIAL


def admits_bulk(facts: Facts, rules: Sequence[CompiledRule]) -> bool:
    """Whether a rule that matches these facts admits bulk or list mail."""
    matched = set(decide(facts, rules).matched_rule_ids)
    return any(rule.actions.admit_bulk for rule in rules if rule.id in matched)
