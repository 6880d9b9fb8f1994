"""Writes of the API app: personal tokens, and the ticket update that
composes several ticket actions into one transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ventanilla.api.models import ApiToken, Scope
from ventanilla.api.queries import unrevoked_token
from ventanilla.directory import actions as directory
from ventanilla.directory.models import Company, CompanyKind, Contact, Team
from ventanilla.pipelines.models import Category, Priority, Reason, Stage, TicketType
from ventanilla.pipelines.models import Scope as PipelineScope
from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import Ticket

TOKEN_TAG = "vnt"  # noqa: S105 - a label, not a secret
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# last_used_at is written at most this often per token, not on every call.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, *, name: str, scope: Scope = Scope.READ) -> IssuedToken:
    """A new token for ``user``; the plaintext exists only in the result.

    The token reads ``vnt_<prefix>_<secret>``: the prefix finds the row, the
    secret (256 random bits) is stored as its SHA-256 only.
    """
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=prefix,
        secret_sha256=_digest(secret),
        scope=scope,
    )
    return IssuedToken(token, f"{TOKEN_TAG}_{prefix}_{secret}")


def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token ``raw`` stands for, or None; marks it used."""
    tag, _sep, rest = raw.strip().partition("_")
    prefix, _sep, secret = rest.partition("_")
    if tag != TOKEN_TAG or not prefix or not secret or len(prefix) > 16:
        return None
    token = unrevoked_token(prefix)
    if token is None or not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def revoke_user_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; None if it is not theirs."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    return revoke_token(token) if token is not None else None


@dataclass(frozen=True)
class TicketChanges:
    """What a PATCH asked for; a name in ``sent`` changes, even to None."""

    sent: frozenset[str]
    stage: Stage | None = None
    type: TicketType | None = None
    reason: Reason | None = None
    priority: Priority | None = None
    owner: User | None = None
    team: Team | None = None
    category: Category | None = None
    scope: PipelineScope | None = None


@transaction.atomic
def update_ticket(
    ticket: Ticket,
    *,
    actor: User,
    changes: TicketChanges,
    expected_version: int | None = None,
) -> Ticket:
    """Classification, then owner and team, then stage: one transaction.

    The version is checked once, by the first action; each action bumps
    it, and the stage moves last so it sees the new classification.
    """
    sent = changes.sent
    classification: dict[str, object] = {
        name: getattr(changes, name)
        for name in ("type", "reason", "priority", "category", "scope")
        if name in sent
    }
    for name in ("category", "scope"):
        if classification.get(name, "") is None:
            del classification[name]  # not nullable: None means "keep"
    if classification:
        ticket = tickets.set_classification(
            ticket,
            actor=actor,
            expected_version=expected_version,
            **classification,  # type: ignore[arg-type]
        )
        expected_version = None
    people = {
        name: getattr(changes, name) for name in ("owner", "team") if name in sent
    }
    if people:
        ticket = tickets.assign(
            ticket, actor=actor, expected_version=expected_version, **people
        )
        expected_version = None
    if "stage" in sent and changes.stage is not None:
        ticket = tickets.change_stage(
            ticket, stage=changes.stage, actor=actor, expected_version=expected_version
        )
    return ticket


@dataclass(frozen=True)
class ImportRow:
    name: str
    email: str | None = None
    phone: str = ""
    company: str = ""


@dataclass(frozen=True)
class ImportResult:
    created: int
    existing: int
    companies_created: int
    contacts: list[Contact]


@transaction.atomic
def import_contacts(rows: Sequence[ImportRow] | Sequence[Any]) -> ImportResult:
    """Create contacts and their companies in one transaction.

    1. A company is found by name, any case, or created as a client.
    2. A contact whose email is known is kept as it is (``existing``);
       rows without email are always created.
    """
    companies: dict[str, Company] = {}
    created = existing = companies_created = 0
    contacts: list[Contact] = []
    for row in rows:
        company = None
        name = row.company.strip()
        if name:
            key = name.casefold()
            company = companies.get(key)
            if company is None:
                company = Company.objects.filter(name__iexact=name).first()
                if company is None:
                    company = directory.create_company(
                        name=name[:200], kind=CompanyKind.CLIENT
                    )
                    companies_created += 1
                companies[key] = company
        email = (row.email or "").strip().lower()
        known = Contact.objects.filter(email__iexact=email).first() if email else None
        if known is not None:
            existing += 1
            contacts.append(known)
            continue
        contacts.append(
            directory.create_contact(
                name=row.name.strip()[:200],
                email=email,
                phone=row.phone,
                company=company,
            )
        )
        created += 1
    return ImportResult(created, existing, companies_created, contacts)
