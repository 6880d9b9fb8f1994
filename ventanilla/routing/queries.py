"""Reads for routing: the compiled rule set, the facts of a ticket, owner
choice, the tickets without owner (R-CAP-5) and the dry run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from pydantic import ValidationError

from ventanilla.channels.mail.models import InboundMessage, Mailbox
from ventanilla.channels.mail.parsing import ParsedMail
from ventanilla.core.sentinel import UNSET, Unset
from ventanilla.directory.models import Company, CompanyKind, Contact, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Scope,
    StageKind,
    TicketType,
)
from ventanilla.routing.engine import (
    CompiledRule,
    Decision,
    Facts,
    compile_rule,
    decide,
)
from ventanilla.routing.models import Rule
from ventanilla.routing.schemas import RuleActions, RuleConditions
from ventanilla.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)

# Stages in which a ticket still counts towards its owner's load.
ACTIVE_KINDS = (
    StageKind.NEW,
    StageKind.OPEN,
    StageKind.WAITING_CUSTOMER,
    StageKind.WAITING_THIRD_PARTY,
)


@dataclass(frozen=True)
class _Compiled:
    rows: list[tuple[int, str, Any, Any]]
    parsed: list[tuple[int, str, RuleConditions, RuleActions]]
    type_pipelines: dict[int, int]
    rules: list[CompiledRule]


# The rule set last compiled in this process and the rows it came from:
# validating and compiling are skipped while the rows read are the same.
_last: _Compiled | None = None


def _type_pipelines(
    parsed: list[tuple[int, str, RuleConditions, RuleActions]],
) -> dict[int, int]:
    type_ids = {actions.type for *_ignored, actions in parsed if actions.type}
    if not type_ids:
        return {}
    return dict(
        TicketType.objects.filter(pk__in=type_ids).values_list("id", "pipeline_id")
    )


def compiled_rules() -> list[CompiledRule]:
    """The enabled rules, in order, ready for ``engine.decide`` (1 query, 2
    when rules set a type).

    The rows are read every time, so a change counts from the very next
    message; only validating and compiling them is skipped while the rows
    and their types' pipelines are those compiled last time in this
    process. Stored rules were validated when written; one that no longer
    validates (the schema changed since) is skipped and logged, never
    guessed at.
    """
    global _last
    rows = list(
        Rule.objects.filter(enabled=True)
        .order_by("position", "id")
        .values_list("id", "name", "conditions", "actions")
    )
    last = _last
    if last is not None and last.rows == rows:
        if _type_pipelines(last.parsed) == last.type_pipelines:
            return list(last.rules)
        parsed = last.parsed
    else:
        parsed = []
        for rule_id, name, conditions, actions in rows:
            try:
                parsed.append(
                    (
                        rule_id,
                        name,
                        RuleConditions.model_validate(conditions),
                        RuleActions.model_validate(actions),
                    )
                )
            except ValidationError:
                logger.exception(
                    "routing rule %s (%s) is invalid; skipped", rule_id, name
                )
    type_pipelines = _type_pipelines(parsed)
    rules = [
        compile_rule(
            rule_id=rule_id,
            name=name,
            conditions=conditions,
            actions=actions,
            type_pipeline_id=type_pipelines.get(actions.type) if actions.type else None,
        )
        for rule_id, name, conditions, actions in parsed
    ]
    _last = _Compiled(rows, parsed, type_pipelines, rules)
    return list(rules)


def facts_for_ticket(
    ticket: Ticket,
    *,
    mailbox: str = "",
    urgent: bool = False,
    first_message: Message | Unset | None = UNSET,
) -> Facts:
    """The facts of a ticket as it was opened: subject, first message,
    requester and company, and the pipeline it landed in. ``mailbox`` and
    ``urgent`` come from the message, which the ticket does not keep; a
    caller that just opened the ticket passes its ``first_message`` (None:
    it has none) instead of having it read again."""
    first = (
        ticket.messages.order_by("created_at", "id").first()
        if first_message is UNSET
        else first_message
    )
    requester = ticket.requester
    company = ticket.company
    scope = ""
    if company is not None and company.kind == CompanyKind.INTERNAL:
        scope = Scope.INTERNAL.value
    return Facts(
        subject=ticket.subject,
        body=first.body_text if first else "",
        sender=requester.email if requester else "",
        mailbox=mailbox,
        channel=ticket.channel,
        company_id=company.pk if company else None,
        company_kind=company.kind if company else "",
        institutional_investor=bool(company and company.is_institutional_investor),
        scope=scope,
        default_pipeline_id=ticket.pipeline_id,
        triage=ticket.pipeline.is_triage,
        urgent=urgent,
    )


def facts_for_inbound(inbound: InboundMessage) -> Facts:
    """The facts of a stored raw message, read as ingestion reads it (for
    "what would the rules do with this mail?")."""
    from ventanilla.channels.mail.parsing import UnparseableMail, parse

    try:
        mail = parse(bytes(inbound.raw))
    except UnparseableMail:
        return Facts(mailbox=inbound.mailbox.address if inbound.mailbox else "")
    return facts_for_mail(mail, inbound.mailbox)


def facts_for_mail(mail: ParsedMail, mailbox: Mailbox | None) -> Facts:
    """The facts of a parsed message arriving at ``mailbox``: the company is
    the sender's contact's, else the one whose email domain matches."""
    sender = mail.from_address
    contact = (
        Contact.objects.select_related("company").filter(email__iexact=sender).first()
    )
    company = (
        contact.company
        if contact is not None
        else Company.objects.filter(domain=sender.rpartition("@")[2]).first()
    )
    pipeline = mailbox.pipeline if mailbox else None
    internal = company is not None and company.kind == CompanyKind.INTERNAL
    return Facts(
        subject=mail.subject,
        body=mail.body_text,
        sender=sender,
        mailbox=mailbox.address if mailbox else "",
        channel="email",
        company_id=company.pk if company else None,
        company_kind=company.kind if company else "",
        institutional_investor=bool(company and company.is_institutional_investor),
        scope=Scope.INTERNAL.value if internal else "",
        default_pipeline_id=pipeline.pk if pipeline else None,
        triage=bool(pipeline and pipeline.is_triage),
        urgent=mail.is_urgent,
    )


def _by_load(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(is_active=True, agent__isnull=False).annotate(
        load=Count(
            "owned_tickets",
            filter=Q(owned_tickets__stage__kind__in=ACTIVE_KINDS),
            distinct=True,
        )
    )


def choose_owner(ticket_type: TicketType | None, team: Team | None) -> User | None:
    """Who takes a newly classified ticket (one query).

    1. Among the type's active default owners, the least loaded: the one
       with the fewest tickets not yet resolved. With one default owner,
       that owner. Ties go to the first username in alphabetical order, so
       the choice is deterministic and evens out as tickets arrive.
    2. A type without default owners ("Inversionista - Otros": variable)
       falls back to the least-loaded agent of the ticket's team.
    3. None when neither exists; the ticket then shows in
       ``tickets_without_owner``.
    """
    if ticket_type is not None:
        owners = _by_load(User.objects.filter(default_for_types=ticket_type))
        chosen = owners.order_by("load", "username").first()
        if chosen is not None:
            return chosen
    if team is not None:
        members = _by_load(User.objects.filter(agent__teams=team))
        return members.order_by("load", "username").first()
    return None


def tickets_without_owner(*, pipeline: Pipeline | None = None) -> QuerySet[Ticket]:
    """Tickets still being worked that have no owner (R-CAP-5), oldest first."""
    qs = Ticket.objects.filter(owner__isnull=True, stage__kind__in=ACTIVE_KINDS)
    if pipeline is not None:
        qs = qs.filter(pipeline=pipeline)
    return qs.select_related(
        "pipeline", "stage", "priority", "team", "requester", "type"
    ).order_by("created_at", "id")


def flagged_for_triage() -> QuerySet[Ticket]:
    """Tickets left in a triage pipeline with a routing flag (R-CLS-2)."""
    return (
        Ticket.objects.filter(
            pipeline__is_triage=True,
            stage__kind__in=ACTIVE_KINDS,
            routing__triage_flag__gt="",
        )
        .select_related("pipeline", "stage", "routing", "requester")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class DryRunLine:
    field: str
    value: str
    rule_id: int | None
    rule_name: str


@dataclass(frozen=True)
class DryRun:
    """What routing would do, in words, without changing anything."""

    decision: Decision
    lines: list[DryRunLine]
    matched_rules: list[str]


def _names(model: Any, ids: set[int]) -> dict[int, str]:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}


def dry_run(facts: Facts, rules: list[CompiledRule] | None = None) -> DryRun:
    """Evaluate the rules against ``facts`` and describe the outcome.

    Includes the owner the type's default owners would give, as
    ``apply_decision`` would choose it now.
    """
    rules = compiled_rules() if rules is None else rules
    decision = decide(facts, rules)
    models: dict[str, Any] = {
        "pipeline": Pipeline,
        "type": TicketType,
        "reason": Reason,
        "priority": Priority,
        "team": Team,
        "owner": User,
    }
    lines: list[DryRunLine] = []
    for name, choice in decision.choices().items():
        if name in models:
            label = _names(models[name], {choice.value}).get(choice.value, "?")
        else:
            label = str(Scope(choice.value).label)
        lines.append(DryRunLine(name, label, choice.rule_id, choice.rule_name))
    if decision.type is not None and decision.owner is None:
        ticket_type = TicketType.objects.filter(pk=decision.type.value).first()
        pipeline = Pipeline.objects.select_related("team").filter(
            pk=decision.pipeline.value if decision.pipeline else 0
        )
        team = pipeline[0].team if pipeline else None
        owner = choose_owner(ticket_type, team)
        if owner is not None:
            lines.append(
                DryRunLine(
                    "owner",
                    owner.get_full_name() or owner.get_username(),
                    decision.type.rule_id,
                    decision.type.rule_name,
                )
            )
    for tag in decision.tags:
        lines.append(DryRunLine("tags", tag.value, tag.rule_id, tag.rule_name))
    if decision.triage_flag is not None:
        lines.append(DryRunLine("triage_flag", decision.triage_flag.value, None, ""))
    names = {rule.id: rule.name for rule in rules}
    return DryRun(
        decision=decision,
        lines=lines,
        matched_rules=[names[rule_id] for rule_id in decision.matched_rule_ids],
    )
