"""Companies and contacts (staff only), written through
``directory.actions``."""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from ventanilla.api import present
from ventanilla.api import schemas as s
from ventanilla.api.actions import import_contacts
from ventanilla.api.auth import caller
from ventanilla.api.errors import ApiError, invalid, not_found, staff_only
from ventanilla.api.queries import BadCursor, active_agent, contacts_page, is_staff
from ventanilla.directory import actions as directory
from ventanilla.directory.models import Company, CompanyKind, Contact, PortalVisibility

router = Router(tags=["directory"])
RowId = Annotated[int, Path(ge=1, le=2**62)]


class ContactQuery(Schema):
    q: s.Str200 = ""
    cursor: s.Str100 = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 50


def _staff(request: HttpRequest) -> User:
    user = caller(request)
    if not is_staff(user):
        raise staff_only()
    return user


def _duplicate(message: str) -> ApiError:
    return ApiError(409, "duplicate", message)


# -- companies ---------------------------------------------------------------


@router.get("/companies", response=s.responses({200: list[s.CompanyOut]}))
def list_companies(request: HttpRequest) -> Any:
    _staff(request)
    return [present.company(c) for c in Company.objects.order_by("name", "id")]


@router.post("/companies", response=s.responses({201: s.CompanyOut}))
def create_company(request: HttpRequest, payload: s.CompanyCreate) -> Any:
    _staff(request)
    try:
        with transaction.atomic():
            company = directory.create_company(
                name=payload.name.strip(),
                kind=CompanyKind(payload.kind),
                tax_id=payload.tax_id,
                domain=payload.domain,
                is_institutional_investor=payload.is_institutional_investor,
                portal_visibility=PortalVisibility(payload.portal_visibility),
            )
    except IntegrityError as error:
        raise _duplicate(_("A company with this name exists.")) from error
    return Status(201, present.company(company))


def _company(pk: int) -> Company:
    company = Company.objects.filter(pk=pk).first()
    if company is None:
        raise not_found()
    return company


@router.get("/companies/{company_id}", response=s.responses({200: s.CompanyOut}))
def get_company(request: HttpRequest, company_id: RowId) -> Any:
    _staff(request)
    return present.company(_company(company_id))


@router.patch("/companies/{company_id}", response=s.responses({200: s.CompanyOut}))
def update_company(
    request: HttpRequest, company_id: RowId, payload: s.CompanyUpdate
) -> Any:
    _staff(request)
    changes = {
        field: getattr(payload, field)
        for field in payload.model_fields_set
        if getattr(payload, field) is not None
    }
    try:
        with transaction.atomic():
            company = directory.update_company(_company(company_id), **changes)
    except IntegrityError as error:
        raise _duplicate(_("A company with this name exists.")) from error
    return present.company(company)


@router.delete("/companies/{company_id}", response=s.responses({204: None}))
def delete_company(request: HttpRequest, company_id: RowId) -> Any:
    """Only a company with no contacts and no tickets can be removed."""
    _staff(request)
    directory.delete_company(_company(company_id))
    return Status(204, None)


# -- contacts ----------------------------------------------------------------


@router.get("/contacts", response=s.responses({200: s.ContactPage}))
def list_contacts(request: HttpRequest, query: Query[ContactQuery]) -> Any:
    _staff(request)
    try:
        rows, cursor = contacts_page(query.q, cursor=query.cursor, limit=query.limit)
    except BadCursor as error:
        raise invalid("cursor", _("Not a cursor of this list.")) from error
    return {"items": [present.contact(c) for c in rows], "next_cursor": cursor}


@router.post("/contacts", response=s.responses({201: s.ContactOut}))
def create_contact(request: HttpRequest, payload: s.ContactCreate) -> Any:
    _staff(request)
    company = None
    if payload.company is not None:
        company = Company.objects.filter(pk=payload.company).first()
        if company is None:
            raise invalid("company", _("No such company."))
    owner = None
    if payload.owner is not None:
        owner = active_agent(payload.owner)
        if owner is None:
            raise invalid("owner", _("No such active agent."))
    try:
        with transaction.atomic():
            contact = directory.create_contact(
                name=payload.name.strip(),
                email=payload.email or "",
                phone=payload.phone,
                company=company,
                owner=owner,
            )
    except IntegrityError as error:
        raise _duplicate(_("A contact with this email exists.")) from error
    return Status(201, present.contact(contact))


@router.post("/contacts/import", response=s.responses({200: s.ImportResult}))
def import_contacts_endpoint(request: HttpRequest, payload: s.ContactImport) -> Any:
    """Create the contacts (and companies, by name) not known yet; a known
    email is left as it is. All or nothing."""
    _staff(request)
    result = import_contacts(payload.contacts)
    return {
        "created": result.created,
        "existing": result.existing,
        "companies_created": result.companies_created,
        "contacts": [present.contact(c) for c in result.contacts],
    }


def _contact(pk: int) -> Contact:
    contact = Contact.objects.select_related("company", "owner").filter(pk=pk).first()
    if contact is None:
        raise not_found()
    return contact


@router.get("/contacts/{contact_id}", response=s.responses({200: s.ContactOut}))
def get_contact(request: HttpRequest, contact_id: RowId) -> Any:
    _staff(request)
    return present.contact(_contact(contact_id))


@router.patch("/contacts/{contact_id}", response=s.responses({200: s.ContactOut}))
def update_contact(
    request: HttpRequest, contact_id: RowId, payload: s.ContactUpdate
) -> Any:
    _staff(request)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {}
    for field in ("name", "phone"):
        if field in sent and getattr(payload, field) is not None:
            changes[field] = getattr(payload, field)
    if "email" in sent:
        changes["email"] = payload.email or ""
    if "company" in sent:
        changes["company"] = None
        if payload.company is not None:
            changes["company"] = Company.objects.filter(pk=payload.company).first()
            if changes["company"] is None:
                raise invalid("company", _("No such company."))
    if "owner" in sent:
        changes["owner"] = None
        if payload.owner is not None:
            changes["owner"] = active_agent(payload.owner)
            if changes["owner"] is None:
                raise invalid("owner", _("No such active agent."))
    try:
        with transaction.atomic():
            contact = directory.update_contact(_contact(contact_id), **changes)
    except IntegrityError as error:
        raise _duplicate(_("A contact with this email exists.")) from error
    return present.contact(contact)


@router.delete("/contacts/{contact_id}", response=s.responses({204: None}))
def delete_contact(request: HttpRequest, contact_id: RowId) -> Any:
    """Only a contact with no tickets and no portal account can be removed."""
    _staff(request)
    directory.delete_contact(_contact(contact_id))
    return Status(204, None)
