"""Writes of the directory: staff and customers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ventanilla.core.errors import ActionRefused
from ventanilla.directory.models import (
    Agent,
    Company,
    CompanyKind,
    Contact,
    CustomerUser,
    PortalVisibility,
    Role,
    Team,
)

AGENTS_GROUP = "Agentes"
# Until the agent desk exists, agents browse the data in the (read-only)
# Django admin: they get the view permissions of the product's apps.
_VIEWABLE_APPS = ("directory", "pipelines", "tickets", "mail")


def create_team(
    *, name: str, slug: str = "", email: str = "", lead: User | None = None
) -> Team:
    return Team.objects.create(
        name=name, slug=slug or slugify(name), email=email, lead=lead
    )


def _set_hash(user: User, password_hash: str) -> None:
    """Use an already computed hash (e.g. one shared by many demo accounts:
    hashing costs a deliberate fraction of a second per call)."""
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])


def _agents_group() -> Group:
    group, created = Group.objects.get_or_create(name=AGENTS_GROUP)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=_VIEWABLE_APPS, codename__startswith="view_"
            )
        )
    return group


@transaction.atomic
def create_agent(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None,
    role: Role = Role.AGENT,
    teams: Iterable[Team] = (),
    job_title: str = "",
    password_hash: str = "",
) -> Agent:
    """Create a staff user and their agent profile.

    Administrators are Django superusers; every agent is staff so that the
    admin site can show them the data.
    """
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
        is_superuser=role == Role.ADMIN,
    )
    _set_hash(user, password_hash)
    user.groups.add(_agents_group())
    agent = Agent.objects.create(user=user, role=role, job_title=job_title)
    agent.teams.set(list(teams))
    return agent


def update_team(
    team: Team, *, name: str, slug: str, email: str, lead: User | None
) -> Team:
    team.name = name
    team.slug = slug or slugify(name)
    team.email = email
    team.lead = lead
    team.save()
    return team


@transaction.atomic
def update_agent(
    agent: Agent,
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    teams: Iterable[Team],
    job_title: str = "",
    is_active: bool = True,
) -> Agent:
    """Edit a member of staff: name, role, teams, and whether they may sign
    in. Administrators are superusers; the role decides it, both ways."""
    user = agent.user
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_superuser = role == Role.ADMIN
    user.is_active = is_active
    user.save(
        update_fields=["first_name", "last_name", "email", "is_superuser", "is_active"]
    )
    agent.role = role
    agent.job_title = job_title
    agent.save(update_fields=["role", "job_title", "updated_at"])
    agent.teams.set(list(teams))
    return agent


def add_agent_to_team(agent: Agent, *, team: Team) -> None:
    agent.teams.add(team)


def create_company(
    *,
    name: str,
    kind: CompanyKind,
    tax_id: str = "",
    domain: str = "",
    is_institutional_investor: bool = False,
    portal_visibility: PortalVisibility = PortalVisibility.OWN,
) -> Company:
    return Company.objects.create(
        name=name,
        kind=kind,
        tax_id=tax_id,
        domain=domain.lower(),
        is_institutional_investor=is_institutional_investor,
        portal_visibility=portal_visibility,
    )


def set_portal_visibility(company: Company, *, visibility: PortalVisibility) -> Company:
    """Whether plain portal users of ``company`` see all its tickets."""
    company.portal_visibility = visibility
    company.save(update_fields=["portal_visibility", "updated_at"])
    return company


_COMPANY_FIELDS = frozenset(
    {"name", "kind", "tax_id", "domain", "is_institutional_investor"}
)


@transaction.atomic
def update_company(company: Company, **changes: Any) -> Company:
    """Change what is given (``portal_visibility`` too); a name another
    company has is refused."""
    visibility = changes.pop("portal_visibility", None)
    unknown = set(changes) - _COMPANY_FIELDS
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        taken = Company.objects.filter(name__iexact=changes["name"])
        if taken.exclude(pk=company.pk).exists():
            raise ActionRefused(
                _("A company with this name exists."), code="company_name_taken"
            )
    if "domain" in changes:
        changes["domain"] = changes["domain"].strip().lower()
    for field, value in changes.items():
        setattr(company, field, value)
    if visibility is not None:
        company.portal_visibility = visibility
    company.save()
    return company


def delete_company(company: Company) -> None:
    """Remove a company nobody refers to; one with contacts or tickets is
    kept (its history would lose its customer)."""
    if company.contacts.exists() or company.tickets.exists():
        raise ActionRefused(
            _("The company has contacts or tickets; it is kept."),
            code="company_in_use",
        )
    company.delete()


def deactivate_user(user: User) -> User:
    """Switch off a staff or portal account; its history stays."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def create_contact(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    company: Company | None = None,
    owner: User | None = None,
) -> Contact:
    return Contact.objects.create(
        name=name,
        email=email.strip().lower(),
        phone=phone,
        company=company,
        owner=owner,
    )


def contact_for_address(email: str, *, name: str = "") -> Contact:
    """The contact who writes from ``email``, created on first contact.

    A new contact joins the company whose email domain matches, if any.
    """
    address = email.strip().lower()
    existing = Contact.objects.filter(email__iexact=address).first()
    if existing is not None:
        return existing
    domain = address.rpartition("@")[2]
    company = Company.objects.filter(domain=domain).first() if domain else None
    try:
        with transaction.atomic():
            return Contact.objects.create(
                name=(name.strip() or address)[:200], email=address, company=company
            )
    except IntegrityError:  # created concurrently by another delivery
        return Contact.objects.get(email__iexact=address)


@transaction.atomic
def update_contact(contact: Contact, **changes: Any) -> Contact:
    """Change what is given of name, email, phone, company and owner. An
    email another contact has is refused; the owner must be active staff."""
    unknown = set(changes) - {"name", "email", "phone", "company", "owner"}
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip().lower()
        if (
            changes["email"]
            and Contact.objects.filter(email__iexact=changes["email"])
            .exclude(pk=contact.pk)
            .exists()
        ):
            raise ActionRefused(
                _("A contact with this email exists."), code="contact_email_taken"
            )
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    owner = changes.get("owner")
    if owner is not None and not (owner.is_active and hasattr(owner, "agent")):
        raise ActionRefused(_("The owner must be an active agent."), code="owner")
    for field, value in changes.items():
        setattr(contact, field, value)
    contact.save()
    return contact


def delete_contact(contact: Contact) -> None:
    """Remove a contact with no history: one who requested or was copied on
    a ticket, or has a portal account, is kept."""
    if (
        contact.requested_tickets.exists()
        or contact.cc_tickets.exists()
        or CustomerUser.objects.filter(contact=contact).exists()
    ):
        raise ActionRefused(
            _("The contact has tickets or a portal account; it is kept."),
            code="contact_in_use",
        )
    contact.delete()


def set_contact_owner(contact: Contact, *, owner: User | None) -> Contact:
    contact.owner = owner
    contact.save(update_fields=["owner", "updated_at"])
    return contact


@transaction.atomic
def create_customer_user(
    contact: Contact,
    *,
    password: str | None,
    is_company_admin: bool = False,
    password_hash: str = "",
) -> CustomerUser:
    """Give a contact a portal account; they sign in with their email."""
    first, _sep, last = contact.name.partition(" ")
    user = User.objects.create_user(
        username=contact.email,
        email=contact.email,
        password=password,
        first_name=first[:150],
        last_name=last[:150],
    )
    _set_hash(user, password_hash)
    return CustomerUser.objects.create(
        user=user, contact=contact, is_company_admin=is_company_admin
    )
