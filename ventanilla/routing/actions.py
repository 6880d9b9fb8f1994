"""Every write of routing: rules (CRUD), tags, and applying a decision.

``apply_decision`` changes a ticket only through ``tickets.actions``, with
the deciding rule as the actor, so each automatic change is a TicketEvent
naming its rule (R-CLS-6).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from ventanilla.core.errors import ActionRefused
from ventanilla.core.sentinel import UNSET
from ventanilla.directory.models import Company, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Scope,
    TicketType,
)
from ventanilla.routing.engine import Choice, Decision, Facts, decide
from ventanilla.routing.models import (
    Rule,
    RuleChange,
    RuleChangeKind,
    Tag,
    TicketRouting,
    TicketTag,
    TriageFlag,
)
from ventanilla.routing.queries import (
    choose_owner,
    compiled_rules,
    dry_run,
    facts_for_ticket,
)
from ventanilla.routing.schemas import RuleActions, RuleConditions
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.actors import Actor
from ventanilla.tickets.models import EventKind, Ticket, TicketEvent

__all__ = [
    "add_tags",
    "apply_decision",
    "create_rule",
    "delete_rule",
    "dry_run",
    "remove_tag",
    "route_ticket",
    "update_rule",
    "validate_rule",
]

logger = logging.getLogger(__name__)

_POSITION_STEP = 10


# -- rules -------------------------------------------------------------------


def _errors(exc: ValidationError, part: str) -> list[str]:
    messages = []
    for error in exc.errors():
        where = ".".join(str(item) for item in error["loc"])
        messages.append(f"{part}.{where}: {error['msg']}" if where else error["msg"])
    return messages


def _parse(
    model: type[BaseModel], document: Mapping[str, Any] | BaseModel | str, part: str
) -> tuple[Any, list[str]]:
    try:
        if isinstance(document, model):
            return document, []
        if isinstance(document, str):
            return model.model_validate_json(document), []
        if isinstance(document, BaseModel):
            document = document.model_dump()
        return model.model_validate(document), []
    except ValidationError as exc:
        return None, _errors(exc, part)


def _missing(model: Any, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    found = set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return sorted(wanted - found)


def _reference_errors(conditions: RuleConditions, actions: RuleActions) -> list[str]:
    errors: list[str] = []
    singles = {
        "pipeline": (Pipeline, actions.pipeline),
        "type": (TicketType, actions.type),
        "reason": (Reason, actions.reason),
        "priority": (Priority, actions.priority),
        "team": (Team, actions.team),
    }
    for name, (model, pk) in singles.items():
        if pk is not None and _missing(model, [pk]):
            errors.append(
                _("actions.%(field)s: no such id %(id)s") % {"field": name, "id": pk}
            )
    if actions.type is not None and actions.pipeline is not None:
        type_pipeline = (
            TicketType.objects.filter(pk=actions.type)
            .values_list("pipeline_id", flat=True)
            .first()
        )
        if type_pipeline is not None and type_pipeline != actions.pipeline:
            errors.append(_("actions.type: the type belongs to another pipeline"))
    if (
        actions.owner is not None
        and not User.objects.filter(
            pk=actions.owner, is_active=True, agent__isnull=False
        ).exists()
    ):
        errors.append(
            _("actions.owner: not an active agent (id %(id)s)") % {"id": actions.owner}
        )
    missing_companies = _missing(Company, conditions.companies)
    if missing_companies:
        errors.append(
            _("conditions.companies: no such ids %(ids)s")
            % {"ids": ", ".join(map(str, missing_companies))}
        )
    return errors


def validate_rule(
    conditions: Mapping[str, Any] | RuleConditions | str,
    actions: Mapping[str, Any] | RuleActions | str,
) -> tuple[RuleConditions, RuleActions]:
    """Parse both documents (pydantic, strict) and check what they refer to.

    Raises ``ActionRefused`` (code ``rule_invalid``) listing every problem;
    the admin form shows the same messages.
    """
    parsed_conditions, errors = _parse(RuleConditions, conditions, "conditions")
    parsed_actions, action_errors = _parse(RuleActions, actions, "actions")
    errors += action_errors
    if not errors:
        errors = _reference_errors(parsed_conditions, parsed_actions)
    if errors:
        raise ActionRefused(
            _("The rule is not valid: %(errors)s") % {"errors": "; ".join(errors)},
            code="rule_invalid",
            params={"errors": errors},
        )
    return parsed_conditions, parsed_actions


def _document(model: BaseModel) -> dict[str, Any]:
    """What is stored: only the keys that differ from the defaults."""
    return model.model_dump(mode="json", exclude_defaults=True)


@transaction.atomic
def create_rule(
    *,
    name: str,
    conditions: Mapping[str, Any] | RuleConditions | str,
    actions: Mapping[str, Any] | RuleActions | str,
    position: int | None = None,
    enabled: bool = True,
    description: str = "",
    actor: User | AnonymousUser | None = None,
) -> Rule:
    """Create a rule; without ``position`` it goes after the last one."""
    parsed_conditions, parsed_actions = validate_rule(conditions, actions)
    if position is None:
        last = Rule.objects.aggregate(last=Max("position"))["last"]
        position = (last or 0) + _POSITION_STEP
    rule = Rule.objects.create(
        name=name.strip(),
        description=description,
        position=position,
        enabled=enabled,
        conditions=_document(parsed_conditions),
        actions=_document(parsed_actions),
    )
    logger.info("routing rule %s (%s) created", rule.pk, rule.name)
    _audit(rule, RuleChangeKind.CREATED, actor, before=None, after=_snapshot(rule))
    return rule


@transaction.atomic
def update_rule(
    rule: Rule,
    *,
    name: str | None = None,
    conditions: Mapping[str, Any] | RuleConditions | str | None = None,
    actions: Mapping[str, Any] | RuleActions | str | None = None,
    position: int | None = None,
    enabled: bool | None = None,
    description: str | None = None,
    actor: User | AnonymousUser | None = None,
) -> Rule:
    """Change what is given; conditions and actions are validated together."""
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    before = _snapshot(rule)
    changed: set[str] = set()
    if conditions is not None or actions is not None:
        parsed_conditions, parsed_actions = validate_rule(
            rule.conditions if conditions is None else conditions,
            rule.actions if actions is None else actions,
        )
        rule.conditions = _document(parsed_conditions)
        rule.actions = _document(parsed_actions)
        changed |= {"conditions", "actions"}
    simple = {
        "name": name.strip() if name is not None else None,
        "position": position,
        "enabled": enabled,
        "description": description,
    }
    for field, value in simple.items():
        if value is not None:
            setattr(rule, field, value)
            changed.add(field)
    if changed:
        rule.save(update_fields=sorted({*changed, "updated_at"}))
        after = _snapshot(rule)
        if after != before:
            logger.info("routing rule %s (%s) changed: %s", rule.pk, rule.name, changed)
            _audit(rule, RuleChangeKind.CHANGED, actor, before=before, after=after)
    return rule


@transaction.atomic
def delete_rule(rule: Rule, *, actor: User | AnonymousUser | None = None) -> None:
    """Delete a rule. Past decisions keep its id and name in their events,
    and its change history keeps the rule as it was."""
    logger.info("routing rule %s (%s) deleted", rule.pk, rule.name)
    _audit(rule, RuleChangeKind.DELETED, actor, before=_snapshot(rule), after=None)
    rule.delete()


def _snapshot(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "description": rule.description,
        "position": rule.position,
        "enabled": rule.enabled,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }


def _audit(
    rule: Rule,
    kind: RuleChangeKind,
    actor: User | AnonymousUser | None,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    RuleChange.objects.create(
        rule=rule if kind != RuleChangeKind.DELETED else None,
        rule_name=rule.name,
        kind=kind,
        actor=actor if isinstance(actor, User) else None,
        before=before,
        after=after,
    )


# -- tags --------------------------------------------------------------------


def _record(
    ticket: Ticket,
    actor: Actor,
    *,
    field: str,
    old: str = "",
    new: str = "",
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """Tags and triage flags are routing's own fields of a ticket."""
    return tickets.record_event(
        ticket,
        actor=actor,
        kind=EventKind.FIELD_CHANGED,
        field=field,
        old=old,
        new=new,
        data=data,
    )


def _tag_names(ticket: Ticket) -> list[str]:
    return list(
        TicketTag.objects.filter(ticket=ticket)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )


def _tag(name: str) -> Tag:
    clean = " ".join(name.split())
    tag = Tag.objects.filter(name__iexact=clean).first()
    return tag or Tag.objects.create(name=clean)


@transaction.atomic
def add_tags(
    ticket: Ticket, *, names: Iterable[str], actor: Actor, rule_id: int | None = None
) -> list[str]:
    """Tag a ticket; a tag it already has is left alone. Returns the names added."""
    current = _tag_names(ticket)
    have = {name.casefold() for name in current}
    added: list[str] = []
    for name in names:
        tag = _tag(name)
        if tag.name.casefold() in have:
            continue
        TicketTag.objects.create(ticket=ticket, tag=tag, rule_id=rule_id)
        have.add(tag.name.casefold())
        added.append(tag.name)
    if added:
        _record(
            ticket,
            actor,
            field="tags",
            old=", ".join(current),
            new=", ".join(sorted([*current, *added], key=str.casefold)),
            data={"added": added},
        )
    return added


@transaction.atomic
def remove_tag(ticket: Ticket, *, name: str, actor: Actor) -> bool:
    current = _tag_names(ticket)
    deleted, _rows = TicketTag.objects.filter(
        ticket=ticket, tag__name__iexact=name.strip()
    ).delete()
    if deleted:
        remaining = [
            tag for tag in current if tag.casefold() != name.strip().casefold()
        ]
        _record(
            ticket,
            actor,
            field="tags",
            old=", ".join(current),
            new=", ".join(remaining),
            data={"removed": [name.strip()]},
        )
    return bool(deleted)


# -- applying a decision -----------------------------------------------------


def _actor(choice: Choice[Any]) -> Actor:
    return Actor.for_rule(choice.rule_id, choice.rule_name)


def _objects(decision: Decision) -> dict[str, Any]:
    """The rows the decision refers to; a row deleted since is left out."""
    models: dict[str, Any] = {
        "pipeline": Pipeline,
        "type": TicketType,
        "reason": Reason,
        "priority": Priority,
        "team": Team,
        "owner": User,
    }
    found: dict[str, Any] = {}
    for name, choice in decision.choices().items():
        if name == "scope":
            found[name] = Scope(choice.value)
            continue
        obj = models[name].objects.filter(pk=choice.value).first()
        if obj is not None:
            found[name] = obj
    return found


class _Steps:
    """Runs each change in its own savepoint and keeps the refusals.

    One refused change (say, an owner who left the company) must not undo
    the others, nor fail the ingestion of the message that was routed.
    """

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.errors: list[dict[str, Any]] = []

    def run(self, what: str, rule_id: int | None, change: Any) -> None:
        try:
            with transaction.atomic():
                self.ticket = change(self.ticket)
        except ActionRefused as refused:
            logger.warning(
                "routing of #%s: %s refused: %s", self.ticket.number, what, refused
            )
            self.errors.append(
                {
                    "change": what,
                    "rule_id": rule_id,
                    "code": refused.code,
                    "message": str(refused),
                }
            )


@transaction.atomic
def apply_decision(ticket: Ticket, decision: Decision) -> Ticket:
    """Apply ``decision`` to ``ticket`` through ``tickets.actions``.

    1. Pipeline (``move_to_pipeline``; the team follows the pipeline unless
       a rule decides it). A type decided by the same rule moves with it.
    2. Type, reason, priority and scope (``set_classification``), one call
       per deciding rule.
    3. Team and owner (``assign``), one call per deciding rule.
    4. A ticket with a type and no owner gets one (``choose_owner``): the
       type's default owners, least loaded first; the event names the rule
       that set the type. A classified ticket is never left without owner
       while an owner can be found.
    5. Tags, then the decision log (``TicketRouting``) with the triage flag.
    """
    return _apply(ticket, decision)


def _apply(ticket: Ticket, decision: Decision) -> Ticket:
    """``apply_decision`` inside a transaction the caller holds."""
    found = _objects(decision)
    steps = _Steps(ticket)

    pipeline_choice = decision.pipeline
    moved_type = False
    if (
        pipeline_choice is not None
        and "pipeline" in found
        and ticket.pipeline_id != pipeline_choice.value
    ):
        same_rule = (
            decision.type is not None
            and "type" in found
            and decision.type.rule_id == pipeline_choice.rule_id
        )
        moved_type = same_rule
        team_choice = decision.team
        move_team = (
            found["team"]
            if team_choice is not None
            and "team" in found
            and team_choice.rule_id == pipeline_choice.rule_id
            else UNSET
        )
        steps.run(
            "pipeline",
            pipeline_choice.rule_id,
            lambda t: tickets.move_to_pipeline(
                t,
                pipeline=found["pipeline"],
                actor=_actor(pipeline_choice),
                type=found["type"] if same_rule else UNSET,
                team=move_team,
            ),
        )

    _apply_grouped(
        steps,
        decision,
        found,
        fields=("type", "reason", "priority", "scope"),
        skip={"type"} if moved_type else set(),
        action=lambda t, actor, values: tickets.set_classification(
            t, actor=actor, **values
        ),
    )
    _apply_grouped(
        steps,
        decision,
        found,
        fields=("team", "owner"),
        skip=set(),
        action=lambda t, actor, values: tickets.assign(t, actor=actor, **values),
    )

    ticket = steps.ticket
    if ticket.owner_id is None and ticket.type_id is not None:
        owner = choose_owner(ticket.type, ticket.team)
        if owner is not None:
            type_choice = decision.type
            actor = (
                _actor(type_choice)
                if type_choice is not None and type_choice.value == ticket.type_id
                else Actor.system(_("Automatic assignment"))
            )
            steps.run(
                "owner",
                type_choice.rule_id if type_choice else None,
                lambda t: tickets.assign(t, actor=actor, owner=owner),
            )

    by_rule: dict[tuple[int, str], list[str]] = defaultdict(list)
    for tag in decision.tags:
        by_rule[(tag.rule_id, tag.rule_name)].append(tag.value)
    for (rule_id, rule_name), names in by_rule.items():
        add_tags(
            steps.ticket,
            names=names,
            actor=Actor.for_rule(rule_id, rule_name),
            rule_id=rule_id if Rule.objects.filter(pk=rule_id).exists() else None,
        )

    _log(steps.ticket, decision, steps.errors)
    return steps.ticket


def _apply_grouped(
    steps: _Steps,
    decision: Decision,
    found: dict[str, Any],
    *,
    fields: tuple[str, ...],
    skip: set[str],
    action: Any,
) -> None:
    """Call ``action`` once per deciding rule with the fields it decided."""
    groups: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    for name in fields:
        choice = getattr(decision, name)
        if choice is None or name in skip or name not in found:
            continue
        current = getattr(steps.ticket, name if name == "scope" else f"{name}_id")
        wanted = found[name] if name == "scope" else found[name].pk
        if current == wanted:
            continue
        groups[(choice.rule_id, choice.rule_name)][name] = found[name]
    for (rule_id, rule_name), values in groups.items():
        steps.run(
            ", ".join(values),
            rule_id,
            lambda t, values=values, rule_id=rule_id, rule_name=rule_name: action(
                t, Actor.for_rule(rule_id, rule_name), values
            ),
        )


def _log(ticket: Ticket, decision: Decision, errors: list[dict[str, Any]]) -> None:
    flag = decision.triage_flag.value if decision.triage_flag else ""
    values = {
        "decision": decision.as_json(),
        "triage_flag": flag,
        "errors": errors,
        "routed_at": timezone.now(),
    }
    row = TicketRouting.objects.select_for_update().filter(ticket=ticket).first()
    if row is None:
        previous = ""
        try:
            with transaction.atomic():
                TicketRouting.objects.create(ticket=ticket, **values)
        except IntegrityError:  # routed concurrently: ours is the latest
            row = TicketRouting.objects.select_for_update().get(ticket=ticket)
    if row is not None:
        previous = row.triage_flag
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=list(values))
    if flag != previous:
        labels = dict(TriageFlag.choices)
        _record(
            ticket,
            Actor.system(_("Routing")),
            field="triage_flag",
            old=str(labels.get(previous, "")),
            new=str(labels.get(flag, "")),
            data={"old_value": previous, "new_value": flag},
        )


def log_quiet_decisions(decisions: Sequence[tuple[Ticket, Decision]]) -> None:
    """The decision log of tickets just opened whose decision changes
    nothing (no field, tag nor triage flag): what ``apply_decision``
    writes for them, in one insert."""
    for _ticket, decision in decisions:
        if decision.choices() or decision.tags or decision.triage_flag:
            raise ValueError("a decision that changes the ticket: apply_decision")
    routed_at = timezone.now()
    TicketRouting.objects.bulk_create(
        [
            TicketRouting(
                ticket=ticket,
                decision=decision.as_json(),
                triage_flag="",
                errors=[],
                routed_at=routed_at,
            )
            for ticket, decision in decisions
        ]
    )


@transaction.atomic
def route_ticket(
    ticket: Ticket,
    *,
    facts: Facts | None = None,
    mailbox: str = "",
    urgent: bool = False,
) -> Ticket:
    """Route a newly opened ticket: decide with the enabled rules, apply.

    ``facts`` default to what the ticket itself says (``facts_for_ticket``);
    ingestion passes the mailbox address the message arrived at and
    whether the sender marked it urgent.
    """
    facts = facts or facts_for_ticket(ticket, mailbox=mailbox, urgent=urgent)
    return _apply(ticket, decide(facts, compiled_rules()))
