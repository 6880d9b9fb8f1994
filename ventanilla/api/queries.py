"""Reads of the API. Tickets start from ``directory.access.visible_tickets``;
pages are found by key (the unique ticket number), never by offset."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import cache
from typing import cast

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q, QuerySet

from ventanilla.api.models import ApiToken
from ventanilla.api.schemas import TicketFilters
from ventanilla.core.rows import columns, read_one
from ventanilla.directory.access import AnyUser, agent_role, visible_tickets
from ventanilla.directory.models import Agent, Company, Contact
from ventanilla.pipelines.models import StageKind
from ventanilla.tickets.models import Ticket

# Per-ticket rows are joined; the small configuration tables are fetched
# once per page instead: a 10-table join costs PostgreSQL more to plan
# (about 40 ms) than the page costs to read.
LIST_JOINED = ("requester", "company")
LIST_PREFETCHED = ("pipeline", "stage", "type", "reason", "priority", "owner", "team")
DONE_KINDS = (StageKind.RESOLVED, StageKind.CLOSED)


class BadCursor(ValueError):
    pass


def unrevoked_token(prefix: str) -> ApiToken | None:
    """The unrevoked token of ``prefix``, with its user and the user's
    staff row (None for customers) loaded: every API call reads it, and
    every endpoint asks for the caller's role.

    A statement written once per process (``core.rows``): through the ORM
    the same read cost five times its CPU.
    """
    found = read_one(_token_read(connection.vendor), [prefix], [ApiToken, User, Agent])
    if found is None:
        return None
    token, user, agent = found
    ApiToken._meta.get_field("user").set_cached_value(token, user)
    staff = Agent._meta.get_field("user")
    staff.remote_field.set_cached_value(user, agent)
    if agent is not None:
        staff.set_cached_value(agent, user)
    return cast(ApiToken, token)


def contact_with_company(contact_id: int) -> Contact | None:
    """The contact ``contact_id`` with its company loaded (a ticket opened
    for it takes both). Written once, as ``unrevoked_token``."""
    found = read_one(_contact_read(connection.vendor), [contact_id], [Contact, Company])
    if found is None:
        return None
    contact, company = found
    Contact._meta.get_field("company").set_cached_value(contact, company)
    return cast(Contact, contact)


@cache
def _contact_read(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {columns(Contact, 'c')}, {columns(Company, 'o')} "  # noqa: S608
        f"FROM {quote(Contact._meta.db_table)} c "
        f"LEFT JOIN {quote(Company._meta.db_table)} o ON o.id = c.company_id "
        "WHERE c.id = %s"
    )


@cache
def _token_read(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {columns(ApiToken, 't')}, {columns(User, 'u')}, "  # noqa: S608
        f"{columns(Agent, 'a')} "
        f"FROM {quote(ApiToken._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        f"LEFT JOIN {quote(Agent._meta.db_table)} a ON a.user_id = u.id "
        "WHERE t.prefix = %s AND t.revoked_at IS NULL"
    )


def is_staff(user: AnyUser) -> bool:
    return agent_role(user) is not None


def encode_cursor(kind: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, raw: str) -> int:
    """The key inside an opaque cursor of ``kind``; BadCursor otherwise."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor(raw) from error
    prefix, _sep, key = text.partition(":")
    if prefix != kind or not key.isdigit() or len(key) > 19:
        raise BadCursor(raw)
    return int(key)


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    next_cursor: str | None


def _filtered(user: AnyUser, f: TicketFilters) -> QuerySet[Ticket]:
    qs = visible_tickets(user)
    exact = {
        "pipeline_id": f.pipeline,
        "stage_id": f.stage,
        "owner_id": f.owner,
        "team_id": f.team,
        "priority_id": f.priority,
        "type_id": f.type,
        "reason_id": f.reason,
        "channel": f.channel,
        "company_id": f.company,
        "created_at__gte": f.created_after,
        "created_at__lt": f.created_before,
        "updated_at__gte": f.updated_after,
        "updated_at__lt": f.updated_before,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.unassigned:
        qs = qs.filter(owner__isnull=True)
    if f.status == "open":
        qs = qs.exclude(stage__kind__in=DONE_KINDS)
    elif f.status == "closed":
        qs = qs.filter(stage__kind__in=DONE_KINDS)
    if f.q.strip():
        qs = qs.filter(subject__icontains=f.q.strip())
    return qs


def ticket_page(user: AnyUser, f: TicketFilters) -> Page:
    """One page of visible tickets, newest first."""
    qs = (
        _filtered(user, f)
        .select_related(*LIST_JOINED)
        .prefetch_related(*LIST_PREFETCHED)
    )
    if f.cursor:
        qs = qs.filter(number__lt=decode_cursor("t", f.cursor))
    rows = list(qs.order_by("-number")[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    cursor = encode_cursor("t", rows[-1].number) if more and rows else None
    return Page(rows, cursor)


def contacts_page(
    text: str, *, cursor: str, limit: int
) -> tuple[list[Contact], str | None]:
    """Contacts by id, optionally those whose name or email contain ``text``."""
    qs = Contact.objects.select_related("company", "owner").order_by("id")
    if text.strip():
        qs = qs.filter(Q(name__icontains=text) | Q(email__icontains=text))
    if cursor:
        qs = qs.filter(id__gt=decode_cursor("c", cursor))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor("c", rows[-1].pk) if more and rows else None


def active_agent(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True, agent__isnull=False).first()
