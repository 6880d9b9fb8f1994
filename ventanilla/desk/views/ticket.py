"""The ticket page, its tabs, and the forms an agent acts with.

Every form posts the ticket version it was rendered with; an action refused
(a stale version, a missing classification, a closed ticket) comes back as
the form with the reason, status 422, never as an error page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ventanilla.agenda import actions as agenda
from ventanilla.agenda import queries as agenda_queries
from ventanilla.agenda.forms import ActivityForm
from ventanilla.agenda.models import ActivityKind
from ventanilla.core.errors import ActionRefused
from ventanilla.desk import actions as desk_actions
from ventanilla.desk import presence, queries
from ventanilla.desk.catalogue import Catalogue
from ventanilla.desk.forms import (
    ClassificationForm,
    LinkForm,
    MergeForm,
    MoveForm,
    NoteForm,
    ReplyForm,
    StageForm,
    new_attachments,
)
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.trail import describe, timeline
from ventanilla.desk.views.common import REFUSED, go, page, partial
from ventanilla.directory.access import access_ticket
from ventanilla.pipelines.models import Scope
from ventanilla.sla.queries import sla_of_tickets
from ventanilla.tickets import actions as tickets
from ventanilla.tickets import queries as ticket_queries
from ventanilla.tickets.models import LinkKind, Ticket

TABS = (
    "summary",
    "interactions",
    "parties",
    "related",
    "attachments",
    "activities",
    "timeline",
    "history",
)
DEFAULT_TAB = "interactions"


def _url(ticket: Ticket, tab: str = "") -> str:
    url = reverse("desk:ticket", args=[ticket.number])
    return f"{url}?tab={tab}" if tab else url


def _label(name: str) -> str:
    field = Ticket._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _activity_form(request: DeskRequest, ticket: Ticket) -> ActivityForm:
    """A new activity, due by default when the ticket's next SLA target is
    (else the next business morning); "Convertir en tarea" on the playbook
    brings the type's required action as its title."""
    now = timezone.now()
    initial: dict[str, Any] = {
        "due_at": agenda_queries.default_due_at(ticket, now=now),
        "owner": ticket.owner_id,
    }
    if request.GET.get("from") == "playbook" and ticket.type and ticket.type.playbook:
        initial.update(
            kind=ActivityKind.TASK, title=" ".join(ticket.type.playbook.split())
        )
    return ActivityForm(ticket=ticket, initial=initial)


def _tab_data(request: DeskRequest, ticket: Ticket, tab: str) -> dict[str, Any]:
    """Only the open tab's rows are read."""
    if tab == "activities":
        return {
            "activities": agenda_queries.ticket_activities(ticket, request.user),
            "activity_form": _activity_form(request, ticket),
            "now": timezone.now(),
        }
    if tab == "interactions":
        return {"thread": list(ticket_queries.thread(ticket, include_notes=True))}
    if tab == "history":
        return {"trail": [describe(e) for e in ticket_queries.history(ticket)]}
    if tab == "timeline":
        return {"timeline": timeline(ticket)}
    if tab == "related":
        return {"links": list(ticket_queries.links(ticket))}
    if tab == "attachments":
        return {"attachments": list(queries.attachments_of(ticket))}
    if tab == "parties":
        return {"cc": list(ticket.cc.all())}
    return {
        "first_message": ticket_queries.thread(ticket, include_notes=False).first(),
        "history_of_customer": queries.customer_history(ticket, request.user),
        "satisfaction": ticket_queries.satisfaction_of(ticket),
    }


def _context(
    request: DeskRequest,
    ticket: Ticket,
    tab: str,
    *,
    catalogue: Catalogue | None = None,
    bound: dict[str, forms.Form] | None = None,
) -> dict[str, Any]:
    """The whole page; ``bound`` replaces a form with the one submitted."""
    # The forms' options come from the configuration tables, read once.
    catalogue = catalogue or Catalogue(request.user)
    forms_ = {
        "reply_form": ReplyForm(ticket=ticket, catalogue=catalogue),
        "note_form": NoteForm(ticket=ticket),
        "stage_form": StageForm(ticket=ticket, catalogue=catalogue),
        "classify_form": ClassificationForm(ticket=ticket, catalogue=catalogue),
        "move_form": MoveForm(ticket=ticket, catalogue=catalogue),
        "merge_form": MergeForm(),
        "link_form": LinkForm(),
    }
    return {
        "ticket": ticket,
        "tab": tab,
        "tabs": TABS,
        "missing": [_label(name) for name in tickets.missing_required_fields(ticket)],
        "viewers": presence.viewing(ticket.pk, request.user),
        "poll_seconds": presence.POLL_SECONDS,
        # The clocks by side and the targets, as of the last SLA scan.
        "sla": sla_of_tickets([ticket.pk]).first(),
        **forms_,
        **_tab_data(request, ticket, tab),
        **(bound or {}),
    }


def _refused(
    request: DeskRequest, ticket: Ticket, name: str, tab: str, form: forms.Form
) -> HttpResponse:
    """The submitted form again, with its errors, for htmx or the full page."""
    context = _context(request, ticket, tab, bound={f"{name}_form": form})
    if request.htmx:
        return partial(
            request, f"desk/ticket.html#{name}-form", context, status=REFUSED
        )
    return page(request, "desk/ticket.html", context, status=REFUSED)


@require_GET
@agent_required
def detail(request: DeskRequest, number: int) -> HttpResponse:
    catalogue = Catalogue(request.user)
    ticket = queries.ticket_for_page(request.user, number, catalogue)
    tab = request.GET.get("tab", DEFAULT_TAB)
    tab = tab if tab in TABS else DEFAULT_TAB
    context = _context(request, ticket, tab, catalogue=catalogue)
    if request.htmx and request.htmx.target == "tab-panel":
        return partial(request, "desk/ticket.html#tab-panel", context)
    return page(request, "desk/ticket.html", context)


@require_GET
@agent_required
def viewers(request: DeskRequest, number: int) -> HttpResponse:
    """Polled by the page: who else has it open, and whether it changed."""
    ticket = access_ticket(request.user, number)
    seen = request.GET.get("version", "")
    context = {
        "ticket": ticket,
        "viewers": presence.viewing(ticket.pk, request.user),
        "changed": seen.isdigit() and int(seen) != ticket.version,
        "seen_version": seen,
        "poll_seconds": presence.POLL_SECONDS,
    }
    return partial(request, "desk/ticket.html#presence", context)


@require_POST
@agent_required
def reply(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = ReplyForm(request.POST, request.FILES, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tickets.add_reply(
                ticket,
                author=request.user,
                body_text=data["body"],
                new_stage=data["stage"],
                attachments=new_attachments(data["attachments"]),
                expected_version=data["version"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket, "interactions"), _("Reply sent."))
    return _refused(request, ticket, "reply", "interactions", form)


@require_POST
@agent_required
def note(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = NoteForm(request.POST, request.FILES, ticket=ticket)
    if form.is_valid():
        try:
            tickets.add_note(
                ticket,
                author=request.user,
                body_text=form.cleaned_data["body"],
                attachments=new_attachments(form.cleaned_data["attachments"]),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket, "interactions"), _("Note added."))
    return _refused(request, ticket, "note", "interactions", form)


@require_POST
@agent_required
def stage(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = StageForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            tickets.change_stage(
                ticket,
                stage=form.cleaned_data["stage"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket), _("Stage changed."))
    return _refused(request, ticket, "stage", DEFAULT_TAB, form)


@require_POST
@agent_required
def classify(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = ClassificationForm(request.POST, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            desk_actions.classify(
                ticket,
                actor=request.user,
                type=data["type"],
                reason=data["reason"],
                priority=data["priority"],
                owner=data["owner"],
                team=data["team"],
                scope=Scope(data["scope"]),
                expected_version=data["version"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket), _("Classification saved."))
    return _refused(request, ticket, "classify", DEFAULT_TAB, form)


@require_POST
@agent_required
def move(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = MoveForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            tickets.move_to_pipeline(
                ticket,
                pipeline=form.cleaned_data["pipeline"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket), _("Ticket moved."))
    return _refused(request, ticket, "move", DEFAULT_TAB, form)


def _other(request: DeskRequest, form: forms.Form, field: str) -> Ticket | None:
    """The ticket a form names by number, if the user may see it."""
    try:
        return access_ticket(request.user, form.cleaned_data[field])
    except Http404:
        form.add_error(field, _("There is no ticket with that number."))
        return None


@require_POST
@agent_required
def merge(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = MergeForm(request.POST)
    if form.is_valid() and (into := _other(request, form, "into")):
        try:
            tickets.merge_tickets(ticket, into=into, actor=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(into, "interactions"), _("Tickets merged."))
    return _refused(request, ticket, "merge", "related", form)


@require_POST
@agent_required
def link(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = LinkForm(request.POST)
    if form.is_valid() and (other := _other(request, form, "other")):
        try:
            tickets.link_tickets(
                ticket,
                other=other,
                kind=LinkKind(form.cleaned_data["kind"]),
                actor=request.user,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket, "related"), _("Tickets linked."))
    return _refused(request, ticket, "link", "related", form)


@require_POST
@agent_required
def plan_activity(request: DeskRequest, number: int) -> HttpResponse:
    ticket = access_ticket(request.user, number)
    form = ActivityForm(request.POST, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agenda.plan_activity(
                actor=request.user,
                ticket=ticket,
                kind=ActivityKind(data["kind"]),
                title=data["title"],
                due_at=data["due_at"],
                owner=data["owner"],
                notes=data["notes"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, _url(ticket, "activities"), _("Activity planned."))
    return _refused(request, ticket, "activity", "activities", form)
