"""The customer's requests: the list, one ticket, replies, new requests
and attachment downloads. Every ticket goes through ``access_ticket``."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ventanilla.core.errors import ActionRefused
from ventanilla.directory.access import access_ticket
from ventanilla.pipelines.models import Category, StageKind
from ventanilla.portal import actions as portal_actions
from ventanilla.portal import queries
from ventanilla.portal.forms import ListFilterForm, NewTicketForm, ReplyForm
from ventanilla.portal.guards import PortalRequest, customer_required
from ventanilla.portal.uploads import new_attachments
from ventanilla.tickets import actions
from ventanilla.tickets.models import Channel, Ticket

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def _url(ticket: Ticket) -> str:
    return reverse("portal:ticket", args=[ticket.number])


@require_GET
@customer_required
def ticket_list(request: PortalRequest) -> HttpResponse:
    types = queries.my_ticket_types(request.user)
    form = ListFilterForm(request.GET, types=types)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen_type = filters.get("type")
    page = queries.my_tickets(
        request.user,
        state=filters.get("state", ""),
        category=filters.get("category", ""),
        type_id=chosen_type.pk if chosen_type else None,
        search=filters.get("q", ""),
        before=filters.get("before"),
    )
    more = request.GET.copy()
    more["before"] = str(page.next_cursor or "")
    return render(
        request,
        "portal/list.html",
        {
            "form": form,
            "page": page,
            "rows": [(t, queries.customer_status(t.stage.kind)) for t in page.tickets],
            "next_query": more.urlencode(),
            "is_admin": request.customer.is_company_admin,
            "filtered": any(filters.get(k) for k in ("state", "category", "type", "q")),
        },
    )


def _detail(
    request: PortalRequest,
    ticket: Ticket,
    form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    closed = ticket.stage.kind == StageKind.CLOSED
    context = {
        "ticket": ticket,
        "status_label": queries.customer_status(ticket.stage.kind),
        "thread": queries.public_thread(ticket),
        "form": form or ReplyForm(),
        "closed": closed,
        "follow_ups": queries.follow_ups(ticket, request.user) if closed else [],
        "is_admin": request.customer.is_company_admin,
        "admins": (
            queries.company_admins(request.customer)
            if closed and not request.customer.is_company_admin
            else []
        ),
    }
    return render(request, "portal/ticket.html", context, status=status)


@require_GET
@customer_required
def ticket_detail(request: PortalRequest, number: int) -> HttpResponse:
    return _detail(request, access_ticket(request.user, number))


@require_POST
@customer_required
def reply(request: PortalRequest, number: int) -> HttpResponse:
    """A reply; on a ticket waiting on the customer or resolved it goes
    back to open (R-WF-2, in ``add_customer_message``). A closed ticket
    takes no replies: the page offers a linked new request instead."""
    ticket = access_ticket(request.user, number)
    if ticket.stage.kind == StageKind.CLOSED:
        messages.error(request, _("This request is closed and cannot be reopened."))
        return HttpResponseRedirect(_url(ticket))
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ticket, form, status=422)
    try:
        actions.add_customer_message(
            ticket,
            contact=request.customer.contact,
            body_text=form.cleaned_data["body"],
            channel=Channel.PORTAL,
            attachments=new_attachments(form.cleaned_data["attachments"]),
        )
    except ActionRefused as refused:
        form.add_error(None, refused)
        return _detail(request, ticket, form, status=422)
    messages.success(request, _("Your reply was sent."))
    return HttpResponseRedirect(_url(ticket) + "#reply")


@require_POST
@customer_required
def follow_up(request: PortalRequest, number: int) -> HttpResponse:
    """R-POR-4: a closed ticket is never reopened; a company admin opens a
    new request linked to it (``add_customer_message`` on a closed ticket
    does exactly that)."""
    ticket = access_ticket(request.user, number)
    if ticket.stage.kind != StageKind.CLOSED:
        return HttpResponseRedirect(_url(ticket))
    if not request.customer.is_company_admin:
        messages.error(request, _("Only your company's administrators open requests."))
        return HttpResponseRedirect(_url(ticket))
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ticket, form, status=422)
    try:
        message = actions.add_customer_message(
            ticket,
            contact=request.customer.contact,
            body_text=form.cleaned_data["body"],
            channel=Channel.PORTAL,
            attachments=new_attachments(form.cleaned_data["attachments"]),
        )
    except ActionRefused as refused:
        form.add_error(None, refused)
        return _detail(request, ticket, form, status=422)
    created = message.ticket
    messages.success(
        request,
        _("Request #%(number)s was opened, linked to #%(old)s.")
        % {"number": created.number, "old": ticket.number},
    )
    return HttpResponseRedirect(_url(created))


@require_http_methods(["GET", "POST"])
@customer_required
def new_ticket(request: PortalRequest) -> HttpResponse:
    """Company admins open requests (R-POR-2); others are told whom to ask."""
    customer = request.customer
    if not customer.is_company_admin:
        return render(
            request,
            "portal/ask_admin.html",
            {"admins": queries.company_admins(customer)},
            status=403 if request.method == "POST" else 200,
        )
    form = NewTicketForm(request.POST or None, request.FILES or None)
    pipeline = queries.portal_pipeline()
    if request.method == "POST" and form.is_valid() and pipeline is not None:
        try:
            ticket = portal_actions.open_request(
                customer,
                pipeline=pipeline,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                category=Category(form.cleaned_data["category"]),
                attachments=new_attachments(form.cleaned_data["attachments"]),
            )
        except ActionRefused as refused:
            form.add_error(None, refused)
        else:
            messages.success(
                request,
                _("Your request was registered as #%(number)s.")
                % {"number": ticket.number},
            )
            return HttpResponseRedirect(_url(ticket))
    if pipeline is None:
        form.add_error(None, _("Requests cannot be opened yet; contact us by email."))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "portal/new_ticket.html",
        {"form": form, "categories": Category},
        status=status,
    )


@require_GET
@customer_required
def attachment(request: PortalRequest, number: int, attachment_id: int) -> FileResponse:
    """A file of a public message, after the ticket's access check.

    A download (``Content-Disposition: attachment``) with ``nosniff``,
    except raster images, shown inline under a CSP that allows nothing.
    """
    ticket = access_ticket(request.user, number)
    item = queries.public_attachment(ticket, attachment_id)
    if item is None:
        raise Http404("No such attachment")
    inline = item.content_type in INLINE_TYPES
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Attachment file missing") from missing
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
