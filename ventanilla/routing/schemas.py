"""What a rule may say, validated by pydantic in strict mode (R-CLS-6).

A rule is stored as two JSON documents, ``conditions`` and ``actions``.
Strict mode refuses what lax mode would coerce: ``"3"`` is not an id and
``false`` is not a number. Unknown keys are refused too, so a typo in the
admin does not silently turn into a rule that matches everything.

The value sets mirror the model choices (``tickets.Channel``,
``directory.CompanyKind``, ``pipelines.Scope``) without importing Django,
so the engine stays importable anywhere; a test keeps them in sync.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

ChannelName = Literal[
    "email",
    "portal",
    "web_form",
    "api",
    "phone",
    "walk_in",
    "whatsapp",
    "chat",
    "internal",
]
CompanyKindName = Literal[
    "client", "investor", "debtor", "supplier", "authority", "internal"
]
ScopeName = Literal["external", "internal"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$")
_INITIAL = re.compile(r"^[A-Z]{2,10}$")


def _email(value: str) -> str:
    address = value.strip().lower()
    if not _EMAIL.match(address):
        raise ValueError(f"not an email address: {value!r}")
    return address


def _domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    if not _DOMAIN.match(domain):
        raise ValueError(f"not a domain: {value!r}")
    return domain


def _initial(value: str) -> str:
    code = value.strip().upper()
    if not _INITIAL.match(code):
        raise ValueError(f"an initial is 2 to 10 letters, got {value!r}")
    return code


def _keyword(value: str) -> str:
    word = " ".join(value.split())
    if not word:
        raise ValueError("a keyword cannot be empty")
    if len(word) > 100:
        raise ValueError("a keyword has at most 100 characters")
    return word


def _tag(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 50:
        raise ValueError("a tag has 1 to 50 characters")
    return name


EmailAddress = Annotated[str, AfterValidator(_email)]
Domain = Annotated[str, AfterValidator(_domain)]
Initial = Annotated[str, AfterValidator(_initial)]
Keyword = Annotated[str, AfterValidator(_keyword)]
TagName = Annotated[str, AfterValidator(_tag)]
Id = Annotated[int, Field(gt=0)]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class RuleConditions(BaseModel):
    """When a rule applies.

    Each non-empty entry is one test; a list passes when any of its values
    does. ``match: "all"`` (the default) needs every test to pass, ``"any"``
    one of them. A rule without tests applies to every message.
    """

    model_config = _STRICT

    match: Literal["all", "any"] = "all"
    mailboxes: list[EmailAddress] = []
    channels: list[ChannelName] = []
    sender_addresses: list[EmailAddress] = []
    sender_domains: list[Domain] = []
    subject_initials: list[Initial] = []
    subject_keywords: list[Keyword] = []
    body_keywords: list[Keyword] = []
    # In the subject or the body.
    keywords: list[Keyword] = []
    companies: list[Id] = []
    company_kinds: list[CompanyKindName] = []
    institutional_investor: bool | None = None
    scopes: list[ScopeName] = []
    # The sender marked the message urgent (Importance: high, "URGENTE"):
    # R-CLS-5 lets a rule, and only a rule, turn that into a priority.
    urgent: bool | None = None


class RuleActions(BaseModel):
    """What a matching rule decides. Ids refer to the configuration tables."""

    model_config = _STRICT

    pipeline: Id | None = None
    type: Id | None = None
    reason: Id | None = None
    priority: Id | None = None
    team: Id | None = None
    owner: Id | None = None
    tags: list[TagName] = []
    scope: ScopeName | None = None
    # Later rules are not evaluated once this rule has matched.
    stop_processing: bool = False
    # Bulk and list mail (Precedence bulk/list, List-Id...) is kept as
    # suppressed unless a matching rule admits it (R-CAP-6).
    admit_bulk: bool = False

    @model_validator(mode="after")
    def _does_something(self) -> RuleActions:
        if not self.model_dump(exclude_defaults=True):
            raise ValueError("a rule must set at least one action")
        return self
