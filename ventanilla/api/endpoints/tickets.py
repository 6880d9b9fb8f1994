"""Tickets, their messages, attachments and audit trail.

Every ticket is reached through ``directory.access.access_ticket``: one the
caller may not see is 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status, UploadedFile

from ventanilla.api import present
from ventanilla.api import schemas as s
from ventanilla.api.actions import TicketChanges, update_ticket
from ventanilla.api.auth import caller
from ventanilla.api.errors import ApiError, invalid, not_found, staff_only
from ventanilla.api.queries import (
    BadCursor,
    active_agent,
    contact_with_company,
    is_staff,
    ticket_page,
)
from ventanilla.crm.actions import create_deal_from_ticket
from ventanilla.desk.catalogue import catalogue
from ventanilla.directory.access import access_ticket
from ventanilla.directory.actions import contact_for_address
from ventanilla.directory.models import Contact, Team
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)
from ventanilla.tickets import actions as tickets
from ventanilla.tickets import queries as ticket_queries
from ventanilla.tickets.attachments import NewAttachment
from ventanilla.tickets.models import Channel, MessageKind, Ticket

router = Router(tags=["tickets"])
Number = Annotated[int, Path(ge=1, le=2**62)]
M = TypeVar("M", bound=Model)


def _contact_of(user: User) -> Contact:
    customer = getattr(user, "customer", None)
    if customer is None:
        raise staff_only()
    contact: Contact = customer.contact
    return contact


def _require_staff(user: User) -> None:
    if not is_staff(user):
        raise staff_only()


def _pick(qs: QuerySet[M], pk: int | None, field: str) -> M | None:
    if pk is None:
        return None
    row = qs.filter(pk=pk).first()
    if row is None:
        raise invalid(field, _("No such %(field)s here.") % {"field": field})
    return row


def _known(rows: Mapping[int, Any], pk: int | None, field: str, error: str = "") -> Any:
    """The row ``pk`` of ``rows`` (configuration kept by the process), None
    for no ``pk``, or a field error."""
    if pk is None:
        return None
    row = rows.get(pk)
    if row is None:
        raise invalid(field, error or _("No such %(field)s here.") % {"field": field})
    return row


def _owner(pk: int | None) -> User | None:
    if pk is None:
        return None
    owner = active_agent(pk)
    if owner is None:
        raise invalid("owner", _("No such active agent."))
    return owner


# -- tickets -----------------------------------------------------------------


@router.get("/tickets", response=s.responses({200: s.TicketPage}))
def list_tickets(request: HttpRequest, filters: Query[s.TicketFilters]) -> Any:
    user = caller(request)
    staff = is_staff(user)
    if not staff and (filters.owner or filters.team or filters.unassigned):
        raise staff_only()
    try:
        page = ticket_page(user, filters)
    except BadCursor as error:
        raise invalid("cursor", _("Not a cursor of this list.")) from error
    items = [present.ticket(t, staff=staff) for t in page.tickets]
    return {"items": items, "next_cursor": page.next_cursor}


@router.post("/tickets", response=s.responses({201: s.TicketOut | s.CustomerTicketOut}))
def create_ticket(request: HttpRequest, payload: s.TicketCreate) -> Any:
    user = caller(request)
    # The new ticket carries the rows it was opened with: no re-read.
    if is_staff(user):
        ticket = _open_as_staff(user, payload)
    else:
        ticket = _open_as_customer(user, payload)
    return Status(201, present.ticket(ticket, staff=is_staff(user)))


def _open_as_staff(user: User, p: s.TicketCreate) -> Ticket:
    if p.pipeline is None:
        raise invalid("pipeline", _("Choose the pipeline of the ticket."))
    # The configuration rows come from the kept tables (one query for all).
    known = catalogue(user)
    rows = known.tables.by_field
    pipeline = _known(
        {row.pk: row for row in known.tables.pipelines if row.pk in known.visible},
        p.pipeline,
        "pipeline",
    )
    assert pipeline is not None  # noqa: S101 - picked from a given id
    types = {t.pk: t for t in known.types if t.pipeline_id == pipeline.pk}
    requester = None
    if p.requester is not None:
        requester = contact_with_company(p.requester)
        if requester is None:
            raise invalid(
                "requester", _("No such %(field)s here.") % {"field": "requester"}
            )
    if requester is None and p.requester_email:
        requester = contact_for_address(p.requester_email, name=p.requester_name)
    owner = _known(rows["owner"], p.owner, "owner", _("No such active agent."))
    team = _known(rows["team"], p.team, "team")
    if team is None:
        team = rows["team"].get(pipeline.team_id)
    return tickets.open_ticket(
        subject=p.subject,
        pipeline=pipeline,
        channel=Channel(p.channel),
        actor=user,
        requester=requester,
        body_text=p.body_text,
        stage=known.first_stage(pipeline, StageKind.NEW),
        type=_known(types, p.type, "type"),
        reason=_known(rows["reason"], p.reason, "reason"),
        priority=_known(rows["priority"], p.priority, "priority"),
        owner=owner,
        team=cast(Team | None, team),
        scope=p.scope,
        category=p.category,
    )


def _open_as_customer(user: User, p: s.TicketCreate) -> Ticket:
    contact = _contact_of(user)
    if not user.customer.is_company_admin:
        raise ApiError(
            403,
            "not_allowed",
            _("Only your company's administrators may open tickets."),
        )
    staff_fields = {"pipeline", "requester", "requester_email", "type", "reason"}
    staff_fields |= {"priority", "owner", "team", "scope", "channel"}
    sent = sorted(p.model_fields_set & staff_fields)
    if sent:
        raise invalid(sent[0], _("Only staff may set this field."))
    pipeline = Pipeline.objects.filter(is_triage=True).order_by("position").first()
    pipeline = pipeline or Pipeline.objects.order_by("position", "id").first()
    if pipeline is None:
        raise ApiError(422, "no_pipeline", _("Tickets cannot be opened yet."))
    return tickets.open_ticket(
        subject=p.subject,
        pipeline=pipeline,
        channel=Channel.API,
        actor=contact,
        requester=contact,
        body_text=p.body_text,
        category=p.category,
    )


@router.get(
    "/tickets/{number}", response=s.responses({200: s.TicketOut | s.CustomerTicketOut})
)
def get_ticket(request: HttpRequest, number: Number) -> Any:
    user = caller(request)
    return present.ticket(access_ticket(user, number), staff=is_staff(user))


@router.patch("/tickets/{number}", response=s.responses({200: s.TicketOut}))
def patch_ticket(request: HttpRequest, number: Number, payload: s.TicketUpdate) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    _require_staff(user)
    pipeline = ticket.pipeline
    changes = TicketChanges(
        sent=frozenset(payload.model_fields_set - {"expected_version"}),
        stage=_pick(Stage.objects.filter(pipeline=pipeline), payload.stage, "stage"),
        type=_pick(TicketType.objects.filter(pipeline=pipeline), payload.type, "type"),
        reason=_pick(Reason.objects.all(), payload.reason, "reason"),
        priority=_pick(Priority.objects.all(), payload.priority, "priority"),
        owner=_owner(payload.owner),
        team=_pick(Team.objects.all(), payload.team, "team"),
        category=payload.category,
        scope=payload.scope,
    )
    update_ticket(
        ticket, actor=user, changes=changes, expected_version=payload.expected_version
    )
    return present.ticket(access_ticket(user, number), staff=True)


# -- messages ----------------------------------------------------------------


@router.get(
    "/tickets/{number}/messages", response=s.responses({200: list[s.MessageOut]})
)
def list_messages(request: HttpRequest, number: Number) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    thread = ticket_queries.thread(ticket, include_notes=is_staff(user))
    return [present.message(m, number) for m in thread]


@router.post("/tickets/{number}/messages", response=s.responses({201: s.MessageOut}))
def add_message(request: HttpRequest, number: Number, payload: s.MessageCreate) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    message = _write_message(user, ticket, payload.kind, payload.body_text, payload)
    return Status(201, _message_out(message.pk, user))


def _write_message(
    user: User,
    ticket: Ticket,
    kind: str,
    body_text: str,
    payload: s.MessageCreate | None = None,
    attachments: list[NewAttachment] | None = None,
) -> Any:
    files = attachments or []
    if not is_staff(user):
        if kind != MessageKind.CUSTOMER:
            raise invalid("kind", _("Customers write messages of kind “customer”."))
        return tickets.add_customer_message(
            ticket,
            contact=_contact_of(user),
            body_text=body_text,
            channel=Channel.API,
            attachments=files,
        )
    if kind == MessageKind.NOTE:
        return tickets.add_note(
            ticket, author=user, body_text=body_text, attachments=files
        )
    if kind != MessageKind.REPLY:
        raise invalid("kind", _("Staff write replies or notes."))
    stage = None
    if payload is not None:
        stage = _pick(
            Stage.objects.filter(pipeline=ticket.pipeline), payload.stage, "stage"
        )
    return tickets.add_reply(
        ticket,
        author=user,
        body_text=body_text,
        new_stage=stage,
        attachments=files,
        expected_version=payload.expected_version if payload else None,
    )


def _message_out(message_id: int, user: User) -> s.MessageOut:
    """The new message, read back through the access checks (a customer's
    message on a closed ticket lands in a new follow-up ticket)."""
    from ventanilla.tickets.models import Message

    message = (
        Message.objects.select_related("author_user", "author_contact", "ticket")
        .prefetch_related("attachments")
        .get(pk=message_id)
    )
    return present.message(message, message.ticket.number)


# -- attachments -------------------------------------------------------------


@router.get(
    "/tickets/{number}/attachments", response=s.responses({200: list[s.AttachmentOut]})
)
def list_attachments(request: HttpRequest, number: Number) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    qs = ticket.attachments.order_by("created_at", "id")
    if not is_staff(user):
        qs = qs.exclude(message__kind=MessageKind.NOTE)
    return [present.attachment(a, number) for a in qs]


@router.post("/tickets/{number}/attachments", response=s.responses({201: s.MessageOut}))
def upload_attachment(
    request: HttpRequest,
    number: Number,
    file: File[UploadedFile],
    form: Form[s.UploadForm],
) -> Any:
    """Attach a file: staff add it with an internal note, customers with a
    message of theirs. Size limits are those of every attachment."""
    user = caller(request)
    ticket = access_ticket(user, number)
    limit = settings.VENTANILLA_MAX_ATTACHMENT_BYTES
    if (file.size or 0) > limit:
        raise ApiError(
            422,
            "attachment_too_large",
            _("“%(name)s” is larger than the limit of %(limit)s.")
            % {"name": file.name, "limit": filesizeformat(limit)},
        )
    content = file.read()
    if not content:
        raise invalid("file", _("The file is empty."))
    item = NewAttachment(
        filename=file.name or "adjunto",
        content=content,
        content_type=(file.content_type or "")[:150],
    )
    kind = MessageKind.NOTE if is_staff(user) else MessageKind.CUSTOMER
    message = _write_message(user, ticket, kind, form.body_text, attachments=[item])
    return Status(201, _message_out(message.pk, user))


INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@router.get(
    "/tickets/{number}/attachments/{attachment_id}/download",
    response=s.responses({200: None}),
    url_name="attachment_download",
)
def download_attachment(
    request: HttpRequest,
    number: Number,
    attachment_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    qs = ticket.attachments.filter(pk=attachment_id)
    if not is_staff(user):
        qs = qs.exclude(message__kind=MessageKind.NOTE)
    item = qs.first()
    if item is None or not item.file:
        raise not_found()
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise not_found() from missing
    inline = item.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- audit trail and deals ---------------------------------------------------


@router.get("/tickets/{number}/events", response=s.responses({200: list[s.EventOut]}))
def list_events(request: HttpRequest, number: Number) -> Any:
    user = caller(request)
    ticket = access_ticket(user, number)
    _require_staff(user)
    return [present.event(e) for e in ticket_queries.history(ticket)]


@router.post("/tickets/{number}/deal", response=s.responses({201: s.DealOut}))
def create_deal(request: HttpRequest, number: Number, payload: s.DealCreate) -> Any:
    """Close the ticket and create a deal from it (R-CLS-4, "cerrar ticket
    y crear un negocio")."""
    user = caller(request)
    ticket = access_ticket(user, number)
    _require_staff(user)
    deal = create_deal_from_ticket(
        ticket,
        actor=user,
        title=payload.title,
        amount=payload.amount,
        currency=payload.currency,
        expected_version=payload.expected_version,
    )
    return Status(201, present.deal(deal))
