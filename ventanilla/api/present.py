"""Model rows to output schemas; the customer's view leaves internal
fields out by construction (a separate schema, not a filter)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from ventanilla.api import schemas as s
from ventanilla.crm.models import Deal
from ventanilla.directory.models import Company, Contact
from ventanilla.pipelines.models import Category, Scope, StageKind
from ventanilla.tickets.models import (
    Attachment,
    Channel,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)


def user_ref(user: User | None) -> s.UserRef | None:
    if user is None:
        return None
    return s.UserRef(
        id=user.pk,
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
    )


def contact_ref(contact: Contact | None) -> s.ContactRef | None:
    if contact is None:
        return None
    return s.ContactRef(id=contact.pk, name=contact.name, email=contact.email)


def ref(row: object | None) -> s.Ref | None:
    if row is None:
        return None
    return s.Ref(id=row.pk, name=str(row))  # type: ignore[attr-defined]


def ticket(t: Ticket, *, staff: bool) -> s.TicketOut | s.CustomerTicketOut:
    if not staff:
        return s.CustomerTicketOut(
            number=t.number,
            subject=t.subject,
            status=s.Status(name=t.stage.name, kind=StageKind(t.stage.kind)),
            requester=t.requester.name if t.requester else "",
            company=t.company.name if t.company else None,
            category=Category(t.category),
            channel=Channel(t.channel),
            created_at=t.created_at,
            updated_at=t.updated_at,
            resolved_at=t.resolved_at,
            closed_at=t.closed_at,
        )
    return s.TicketOut(
        number=t.number,
        subject=t.subject,
        pipeline=s.Ref(id=t.pipeline.pk, name=t.pipeline.name),
        stage=s.StageRef(
            id=t.stage.pk, name=t.stage.name, kind=StageKind(t.stage.kind)
        ),
        type=ref(t.type),
        reason=ref(t.reason),
        priority=ref(t.priority),
        owner=user_ref(t.owner),
        team=ref(t.team),
        requester=contact_ref(t.requester),
        company=ref(t.company),
        scope=Scope(t.scope),
        category=Category(t.category),
        channel=Channel(t.channel),
        marked_urgent=t.marked_urgent,
        version=t.version,
        created_at=t.created_at,
        updated_at=t.updated_at,
        first_response_at=t.first_response_at,
        resolved_at=t.resolved_at,
        closed_at=t.closed_at,
    )


def attachment(a: Attachment, number: int) -> s.AttachmentOut:
    download = (
        reverse("api:api-v1:attachment_download", args=[number, a.pk])
        if a.file
        else None
    )
    return s.AttachmentOut(
        id=a.pk,
        filename=a.filename,
        content_type=a.content_type,
        size=a.size,
        url=a.url,
        download=download,
    )


def message(m: Message, number: int) -> s.MessageOut:
    if m.author_user is not None:
        author = m.author_user.get_full_name() or m.author_user.get_username()
    else:
        author = m.author_contact.name if m.author_contact else ""
    return s.MessageOut(
        id=m.pk,
        ticket=number,
        kind=MessageKind(m.kind),
        author=author,
        body_text=m.body_text,
        body_html=m.body_html,
        created_at=m.created_at,
        attachments=[attachment(a, number) for a in m.attachments.all()],
    )


def event(e: TicketEvent) -> s.EventOut:
    return s.EventOut(
        id=e.pk,
        kind=e.kind,
        actor_type=e.actor_type,
        actor=e.actor_label,
        field=e.field,
        old=e.old,
        new=e.new,
        created_at=e.created_at,
    )


def company(c: Company) -> s.CompanyOut:
    return s.CompanyOut(
        id=c.pk,
        name=c.name,
        tax_id=c.tax_id,
        domain=c.domain,
        kind=c.kind,
        is_institutional_investor=c.is_institutional_investor,
        portal_visibility=c.portal_visibility,
    )


def contact(c: Contact) -> s.ContactOut:
    return s.ContactOut(
        id=c.pk,
        name=c.name,
        email=c.email,
        phone=c.phone,
        company=ref(c.company),
        owner=user_ref(c.owner),
    )


def deal(d: Deal) -> s.DealOut:
    return s.DealOut(
        id=d.pk,
        title=d.title,
        amount=d.amount,
        currency=d.currency,
        ticket=d.ticket.number if d.ticket else None,
        company=ref(d.company),
        contact=contact_ref(d.contact),
        owner=user_ref(d.owner),
        created_at=d.created_at,
    )
