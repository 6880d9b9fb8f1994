"""Triage: the shared mailbox's unclassified tickets, one row each, each
classified in one submit (R-CLS-1, R-CLS-3)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ventanilla.core.errors import ActionRefused
from ventanilla.desk import actions as desk_actions
from ventanilla.desk import queries
from ventanilla.desk.forms import TriageForm, share_choices
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.views.common import REFUSED, go, page, partial
from ventanilla.directory.access import access_ticket


@require_GET
@agent_required
def triage(request: DeskRequest) -> HttpResponse:
    rows = [
        (ticket, TriageForm(ticket=ticket))
        for ticket in queries.triage_tickets(request.user)
    ]
    share_choices([form for _ticket, form in rows])
    return page(request, "desk/triage.html", {"rows": rows, "title": _("Triage")})


@require_POST
@agent_required
def classify(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = TriageForm(request.POST, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = desk_actions.triage(
                ticket,
                actor=request.user,
                pipeline=data["pipeline"],
                type=data["type"],
                reason=data["reason"],
                priority=data["priority"],
                owner=data["owner"],
                expected_version=data["version"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            if not request.htmx:
                return go(request, reverse("desk:triage"), _("Ticket classified."))
            done = {"ticket": ticket, "done": True}
            return partial(request, "desk/triage.html#triage-row", done)
    context = {"ticket": ticket, "form": form}
    if request.htmx:
        return partial(request, "desk/triage.html#triage-row", context, status=REFUSED)
    rows = [(ticket, form)]
    return page(
        request,
        "desk/triage.html",
        {"rows": rows, "title": _("Triage")},
        status=REFUSED,
    )
