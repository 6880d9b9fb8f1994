"""Activities on the desk: the agent's agenda page, and the buttons of an
activity row (done, reopen, reschedule, delete) on the agenda and on a
ticket's Activities tab.

A row's buttons answer htmx with the row itself, so the list stays where
the agent was; without JavaScript they go back to the page they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ventanilla.agenda import actions as agenda
from ventanilla.agenda import queries
from ventanilla.agenda.forms import ActivityForm, RescheduleForm
from ventanilla.agenda.models import ActivityKind
from ventanilla.core.errors import ActionRefused
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.views.common import REFUSED, go, page, partial, safe_next


def _agenda_context(request: DeskRequest, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    cursor = queries.Cursor.decode(request.GET.get("after", ""))
    feed = queries.feed_of(request.user)
    return {
        "agenda": queries.agenda(request.user, now=now, after=cursor),
        "now": now,
        "paged": cursor is not None,
        "feed_url": request.build_absolute_uri(
            reverse("agenda:feed", args=[feed.token])
        )
        if feed
        else "",
        "form": ActivityForm(initial={"due_at": queries.default_due_at(None, now=now)}),
        **extra,
    }


@require_GET
@agent_required
def agenda_page(request: DeskRequest) -> HttpResponse:
    return page(request, "desk/agenda.html", _agenda_context(request))


@require_POST
@agent_required
def plan_own(request: DeskRequest) -> HttpResponse:
    """A to-do of the agent's own, without a ticket."""
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agenda.plan_activity(
                actor=request.user,
                kind=ActivityKind(data["kind"]),
                title=data["title"],
                due_at=data["due_at"],
                notes=data["notes"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal)
        else:
            return go(request, reverse("desk:agenda"), _("Activity planned."))
    context = _agenda_context(request, form=form)
    if request.htmx:
        return partial(
            request, "desk/agenda.html#new-activity", context, status=REFUSED
        )
    return page(request, "desk/agenda.html", context, status=REFUSED)


@require_POST
@agent_required
def renew_feed(request: DeskRequest) -> HttpResponse:
    agenda.renew_feed_token(user=request.user)
    return go(
        request,
        reverse("desk:agenda"),
        _("New calendar address created; the previous one no longer works."),
    )


def _row(
    request: DeskRequest, pk: int, done: str, error: ActionRefused | None = None
) -> HttpResponse:
    """After a row's button: the row again for htmx, else back to the page."""
    if not request.htmx:
        if error is not None:
            messages.error(request, str(error))
        elif done:
            messages.success(request, done)
        back = safe_next(request, request.POST.get("next", ""), reverse("desk:agenda"))
        return HttpResponseRedirect(back)
    found = queries.visible_activities(request.user).filter(pk=pk)
    context = {
        "a": found.select_related("ticket", "contact", "owner", "done_by").first(),
        "now": timezone.now(),
        "hide_ticket": request.POST.get("where") == "ticket",
        "next": request.POST.get("next", ""),
        "error": error,
    }
    status = REFUSED if error is not None else 200
    return partial(request, "desk/_activity.html", context, status=status)


def _apply(
    request: DeskRequest, pk: int, done: str, action: Callable[..., object]
) -> HttpResponse:
    activity = queries.access_activity(request.user, pk)
    try:
        action(activity, actor=request.user)
    except ActionRefused as refusal:
        return _row(request, pk, "", refusal)
    return _row(request, pk, done)


@require_POST
@agent_required
def complete(request: DeskRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, _("Activity done."), agenda.complete_activity)


@require_POST
@agent_required
def reopen(request: DeskRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, _("Activity reopened."), agenda.reopen_activity)


@require_POST
@agent_required
def delete(request: DeskRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, _("Activity deleted."), agenda.delete_activity)


@require_POST
@agent_required
def reschedule(request: DeskRequest, pk: int) -> HttpResponse:
    activity = queries.access_activity(request.user, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        refusal = ActionRefused(_("Give a valid due time."), code="due_invalid")
        return _row(request, pk, "", refusal)
    try:
        agenda.update_activity(
            activity, actor=request.user, due_at=form.cleaned_data["due_at"]
        )
    except ActionRefused as refusal:
        return _row(request, pk, "", refusal)
    return _row(request, pk, _("Activity rescheduled."))
