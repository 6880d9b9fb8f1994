"""Tickets taken by hand: phone calls, visits, internal requests (R-CAP-7)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.core.errors import ActionRefused
from ventanilla.desk import queries
from ventanilla.desk.actions import Requester, open_manual_ticket
from ventanilla.desk.forms import NewTicketForm, new_attachments
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.views.common import REFUSED, go, page, partial
from ventanilla.pipelines.models import Scope
from ventanilla.tickets.models import Channel


@require_http_methods(["GET", "POST"])
@agent_required
def new_ticket(request: DeskRequest) -> HttpResponse:
    if request.method == "GET":
        form = NewTicketForm(user=request.user, initial={"channel": Channel.PHONE})
        return page(request, "desk/new_ticket.html", {"form": form})
    form = NewTicketForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = open_manual_ticket(
                actor=request.user,
                requester=Requester(
                    data["contact_obj"],
                    data["requester_email"],
                    data["requester_name"],
                ),
                subject=data["subject"],
                body_text=data["body"],
                pipeline=data["pipeline"],
                channel=Channel(data["channel"]),
                type=data["type"],
                reason=data["reason"],
                priority=data["priority"],
                owner=data["owner"],
                scope=Scope(data["scope"]),
                attachments=new_attachments(data["attachments"]),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            url = reverse("desk:ticket", args=[ticket.number])
            return go(request, url, _("Ticket #%(n)s opened.") % {"n": ticket.number})
    return page(request, "desk/new_ticket.html", {"form": form}, status=REFUSED)


@require_GET
@agent_required
def contacts(request: DeskRequest) -> HttpResponse:
    """The requester lookup: contacts matching what was typed."""
    found = queries.find_contacts(request.GET.get("q", ""))
    return partial(request, "desk/new_ticket.html#contact-results", {"found": found})
