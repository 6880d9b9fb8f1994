"""Queues: the personal ones, one per pipeline, the board, bulk changes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ventanilla.core.errors import ActionRefused
from ventanilla.desk import queries
from ventanilla.desk.actions import bulk_update, delete_filter, save_filter
from ventanilla.desk.catalogue import catalogue as read_catalogue
from ventanilla.desk.forms import BulkForm, QueueFilterForm, SaveFilterForm
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.queries import Cursor
from ventanilla.desk.views.common import (
    forget_navigation,
    go,
    kept_navigation,
    navigation,
    page,
    partial,
    safe_next,
)
from ventanilla.pipelines.models import Pipeline


def _titles() -> dict[str, str]:
    return {
        "mine": _("My tickets"),
        "unassigned": _("Unassigned"),
        "waiting": _("Waiting on customer"),
        "breaching": _("Breaching SLA"),
        "all": _("All tickets"),
    }


def _queue(
    request: DeskRequest, *, view: str, pipeline: Pipeline | None
) -> HttpResponse:
    catalogue = read_catalogue(request.user)
    form = QueueFilterForm(request.GET or None, user=request.user, catalogue=catalogue)
    preset: dict[str, Any] = queries.preset(view, request.user)
    if "owner" in preset:
        preset["owner"] = request.user
    flt = form.queue_filter(**preset, pipeline=pipeline)
    params = form.params()
    if pipeline is not None:
        params["pipeline"] = str(pipeline.pk)
    query = request.GET.copy()
    query.pop("panel", None)
    context: dict[str, Any] = {
        "view": view,
        "pipeline": pipeline,
        "form": form,
        "save_form": SaveFilterForm(
            user=request.user, initial={"view": view if not pipeline else "all"}
        ),
        "params": params,
        "here": f"{request.path}?{query.urlencode()}" if query else request.path,
    }
    if request.GET.get("panel") == "filters":
        # The filter panel, read when an agent first opens it.
        return partial(request, "desk/queue.html#filter-panel", context)
    result = queries.queue_page(
        request.user,
        flt,
        after=Cursor.decode(request.GET.get("after", "")),
        catalogue=catalogue,
    )
    context |= {
        "title": pipeline.name if pipeline else _titles()[view],
        "page": result,
        "bulk_form": BulkForm(user=request.user, catalogue=catalogue),
        "is_next_page": bool(request.GET.get("after")),
        "now": timezone.now(),
        "search_text": flt.text,
    }
    if request.htmx and request.htmx.target == "queue-more":
        return partial(request, "desk/queue.html#queue-rows", context)
    return page(request, "desk/queue.html", context)


@require_GET
@agent_required
def queue(request: DeskRequest, view: str) -> HttpResponse:
    if view not in _titles():
        raise Http404("No such queue")
    return _queue(request, view=view, pipeline=None)


@require_GET
@agent_required
def pipeline_queue(request: DeskRequest, slug: str) -> HttpResponse:
    pipeline = queries.pipeline_by_slug(request.user, slug)
    if pipeline is None:
        raise Http404("No such pipeline")
    return _queue(request, view="all", pipeline=pipeline)


@require_GET
@agent_required
def board(request: DeskRequest, slug: str) -> HttpResponse:
    pipeline = queries.pipeline_by_slug(request.user, slug)
    if pipeline is None:
        raise Http404("No such pipeline")
    columns = queries.board(request.user, pipeline)
    return page(
        request,
        "desk/board.html",
        {"pipeline": pipeline, "columns": columns, "title": pipeline.name},
    )


@require_GET
@agent_required
def nav(request: DeskRequest) -> HttpResponse:
    """The sidebar alone, polled for live counts (the kept ones while they
    last: several open pages share one count)."""
    context = {
        "nav": kept_navigation(request) or navigation(request),
        "current_path": urlsplit(request.htmx.current_url_abs_path or "").path,
    }
    return partial(request, "desk/base.html#nav", context)


@require_POST
@agent_required
def bulk(request: DeskRequest) -> HttpResponse:
    form = BulkForm(request.POST, user=request.user)
    back = safe_next(request, request.POST.get("next", ""), reverse("desk:home"))
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return go(request, back)
    data = form.cleaned_data
    result = bulk_update(
        request.user,
        data["tickets"],
        **{data["action"]: data[data["action"]]},
    )
    forget_navigation(request)
    for number, reason in result.refused:
        messages.error(request, f"#{number}: {reason}")
    done = len(result.done)
    text = ngettext("%(n)s ticket updated.", "%(n)s tickets updated.", done)
    return go(request, back, text % {"n": done} if done else "")


@require_POST
@agent_required
def save_filter_view(request: DeskRequest) -> HttpResponse:
    """Save the filters of the queue page the form was posted from."""
    form = SaveFilterForm(request.POST, user=request.user)
    filters = QueueFilterForm(request.POST, user=request.user)
    back = safe_next(request, request.POST.get("next", ""), reverse("desk:home"))
    if not form.is_valid() or not filters.is_valid():
        for error in [*form.errors.values(), *filters.errors.values()]:
            messages.error(request, " ".join(str(e) for e in error))
        return go(request, back)
    saved = save_filter(
        request.user,
        name=form.cleaned_data["name"],
        view=form.cleaned_data["view"],
        params=filters.params(),
        team=form.cleaned_data["share_team"],
    )
    forget_navigation(request)
    return go(request, saved.get_absolute_url(), _("Filter saved."))


@require_POST
@agent_required
def delete_filter_view(request: DeskRequest, pk: int) -> HttpResponse:
    saved = queries.saved_filter(request.user, pk)
    if saved is None:
        raise Http404("No such filter")
    try:
        delete_filter(request.user, saved)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return go(request, saved.get_absolute_url())
    forget_navigation(request)
    return go(request, reverse("desk:home"), _("Filter deleted."))
