"""Input and output schemas of the API (pydantic, through django-ninja).

Inputs are strict (``false`` is not an integer) and forbid unknown fields;
customers get their own output schemas, without internal fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from ventanilla.pipelines.models import Category, Scope, StageKind
from ventanilla.tickets.models import Channel, MessageKind


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError as error:
        raise ValueError("not a valid email address") from error
    return value.strip().lower()


def _whole_number(value: object) -> object:
    """JSON's ``1.0`` is the integer 1; ``true`` and ``"1"`` are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _iso_time(value: object) -> dt.datetime:
    """Only ISO 8601 text (pydantic alone would also take Unix numbers)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date-time")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError("expected an ISO 8601 date-time") from error


def _sane_time(value: dt.datetime) -> dt.datetime:
    """Years a ticket can have, so that shifting zones cannot overflow;
    a time without offset is in the organisation's zone."""
    if not 1900 <= value.year <= 9000:
        raise ValueError("year out of range (1900-9000)")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


_clean = AfterValidator(_no_nul)
Str20 = Annotated[str, StringConstraints(max_length=20), _clean]
Str40 = Annotated[str, StringConstraints(max_length=40), _clean]
Str100 = Annotated[str, StringConstraints(max_length=100), _clean]
Str200 = Annotated[str, StringConstraints(max_length=200), _clean]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), _clean]
Subject = Annotated[str, StringConstraints(min_length=1, max_length=300), _clean]
Body = Annotated[str, StringConstraints(min_length=1, max_length=100_000), _clean]


Text = Annotated[str, StringConstraints(max_length=100_000), AfterValidator(_no_nul)]
Id = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=2**62)]
Email = Annotated[
    str,
    StringConstraints(max_length=254),
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
When = Annotated[dt.datetime, BeforeValidator(_iso_time), AfterValidator(_sane_time)]


class Out(BaseModel):
    """Outputs are built from rows by ``present``; plain pydantic models
    (ninja's Schema re-reads attributes through a slow root validator)."""


class In(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")


# -- errors ------------------------------------------------------------------


class FieldError(Out):
    field: str
    message: str
    type: str


class Error(Out):
    code: str
    message: str
    errors: list[FieldError] | None = None
    fields: list[str] | None = None
    retry_after: int | None = None


ERRORS: dict[int, type[BaseModel]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
    429: Error,
}


def responses(ok: dict[int, object]) -> dict[int, object]:
    return {**ok, **ERRORS}


# -- references --------------------------------------------------------------


class Ref(Out):
    id: int
    name: str


class StageRef(Ref):
    kind: StageKind


class UserRef(Out):
    id: int
    username: str
    name: str


class ContactRef(Out):
    id: int
    name: str
    email: str


# -- tickets -----------------------------------------------------------------


class TicketOut(Out):
    """A ticket as staff see it."""

    number: int
    subject: str
    pipeline: Ref
    stage: StageRef
    type: Ref | None
    reason: Ref | None
    priority: Ref | None
    owner: UserRef | None
    team: Ref | None
    requester: ContactRef | None
    company: Ref | None
    scope: Scope
    category: Category
    channel: Channel
    marked_urgent: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None


class Status(Out):
    name: str
    kind: StageKind


class CustomerTicketOut(Out):
    """A ticket as its customers see it: no owner, team or classification."""

    number: int
    subject: str
    status: Status
    requester: str
    company: str | None
    category: Category
    channel: Channel
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None


class TicketPage(Out):
    items: list[TicketOut | CustomerTicketOut]
    next_cursor: str | None


class TicketFilters(Schema):
    pipeline: Id | None = None
    stage: Id | None = None
    owner: Id | None = None
    unassigned: bool = False
    team: Id | None = None
    priority: Id | None = None
    type: Id | None = None
    reason: Id | None = None
    channel: Channel | None = None
    company: Id | None = None
    status: Literal["open", "closed", "all"] = "all"
    created_after: When | None = None
    created_before: When | None = None
    updated_after: When | None = None
    updated_before: When | None = None
    q: Str200 = ""
    cursor: Str100 = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class TicketCreate(In):
    subject: Subject
    body_text: Text = ""
    # Staff only; a customer's ticket goes to the triage pipeline.
    pipeline: Id | None = None
    requester: Id | None = None
    requester_email: Email | None = None
    requester_name: Str200 = ""
    type: Id | None = None
    reason: Id | None = None
    priority: Id | None = None
    owner: Id | None = None
    team: Id | None = None
    category: Category = Category.GENERAL
    scope: Scope = Scope.EXTERNAL
    channel: Literal["api", "phone", "walk_in", "internal"] = "api"


class TicketUpdate(In):
    """Only the fields sent change; ``null`` clears an optional field."""

    expected_version: Id | None = None
    stage: Id | None = None
    type: Id | None = None
    reason: Id | None = None
    priority: Id | None = None
    owner: Id | None = None
    team: Id | None = None
    category: Category | None = None
    scope: Scope | None = None


# -- messages and attachments ------------------------------------------------


class AttachmentOut(Out):
    id: int
    filename: str
    content_type: str
    size: int
    url: str
    download: str | None


class MessageOut(Out):
    id: int
    ticket: int
    kind: MessageKind
    author: str
    body_text: str
    body_html: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class MessageCreate(In):
    kind: Literal["reply", "note", "customer"]
    body_text: Body
    stage: Id | None = None
    expected_version: Id | None = None


class UploadForm(Schema):
    body_text: Str200 = ""


# -- audit trail -------------------------------------------------------------


class EventOut(Out):
    id: int
    kind: str
    actor_type: str
    actor: str
    field: str
    old: str
    new: str
    created_at: dt.datetime


# -- configuration, people ---------------------------------------------------


class StageOut(Out):
    id: int
    name: str
    kind: StageKind
    position: int


class TypeOut(Out):
    id: int
    name: str
    description: str
    playbook: str
    guide_url: str


class PipelineOut(Out):
    id: int
    name: str
    slug: str
    is_triage: bool
    team: Ref
    stages: list[StageOut]
    types: list[TypeOut]


class PriorityOut(Out):
    id: int
    name: str
    rank: int
    color: str


class TeamOut(Out):
    id: int
    name: str
    slug: str
    email: str


class UserOut(Out):
    id: int
    username: str
    name: str
    email: str
    role: str
    teams: list[int]


# -- directory ---------------------------------------------------------------


class CompanyOut(Out):
    id: int
    name: str
    tax_id: str
    domain: str
    kind: str
    is_institutional_investor: bool
    portal_visibility: str


class CompanyCreate(In):
    name: Name
    kind: Literal["client", "investor", "debtor", "supplier", "authority", "internal"]
    tax_id: Str20 = ""
    domain: Str100 = ""
    is_institutional_investor: bool = False
    portal_visibility: Literal["own", "company"] = "own"


class CompanyUpdate(In):
    """Only the fields sent change."""

    name: Name | None = None
    kind: (
        Literal["client", "investor", "debtor", "supplier", "authority", "internal"]
        | None
    ) = None
    tax_id: Str20 | None = None
    domain: Str100 | None = None
    is_institutional_investor: bool | None = None
    portal_visibility: Literal["own", "company"] | None = None


class ContactOut(Out):
    id: int
    name: str
    email: str
    phone: str
    company: Ref | None
    owner: UserRef | None


class ContactCreate(In):
    name: Name
    email: Email | None = None
    phone: Str40 = ""
    company: Id | None = None
    owner: Id | None = None


class ContactUpdate(In):
    """Only the fields sent change; ``company`` and ``owner`` may be sent as
    null to clear them."""

    name: Name | None = None
    email: Email | None = None
    phone: Str40 | None = None
    company: Id | None = None
    owner: Id | None = None


class ContactImportRow(In):
    name: Name
    email: Email | None = None
    phone: Str40 = ""
    company: Str200 = ""


class ContactImport(In):
    contacts: Annotated[list[ContactImportRow], Field(min_length=1, max_length=1000)]


class ImportResult(Out):
    created: int
    existing: int
    companies_created: int
    contacts: list[ContactOut]


class ContactPage(Out):
    items: list[ContactOut]
    next_cursor: str | None


# -- deals -------------------------------------------------------------------


class DealCreate(In):
    title: Name
    amount: Annotated[
        Decimal, Field(strict=False, ge=0, max_digits=14, decimal_places=2)
    ] = Decimal(0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "PEN"
    expected_version: Id | None = None


class DealOut(Out):
    id: int
    title: str
    amount: Decimal
    currency: str
    ticket: int | None
    company: Ref | None
    contact: ContactRef | None
    owner: UserRef | None
    created_at: dt.datetime
