"""Queues: the personal ones, one per pipeline, the board, bulk changes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ventanilla.desk import queries
from ventanilla.desk.actions import bulk_update
from ventanilla.desk.forms import BulkForm, QueueFilterForm
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.queries import Cursor
from ventanilla.desk.views.common import go, page, partial, safe_next
from ventanilla.pipelines.models import Pipeline, StageKind


def _titles() -> dict[str, str]:
    return {
        "mine": _("My tickets"),
        "unassigned": _("Unassigned"),
        "waiting": _("Waiting on customer"),
        "all": _("All tickets"),
    }


def _preset(view: str, request: DeskRequest) -> dict[str, Any]:
    if view == "mine":
        return {"owner": request.user}
    if view == "unassigned":
        return {"unassigned": True}
    if view == "waiting":
        return {"stage_kind": StageKind.WAITING_CUSTOMER}
    return {}


def _queue(
    request: DeskRequest, *, view: str, pipeline: Pipeline | None
) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, user=request.user)
    flt = form.queue_filter(**_preset(view, request), pipeline=pipeline)
    result = queries.queue_page(
        request.user, flt, after=Cursor.decode(request.GET.get("after", ""))
    )
    context = {
        "view": view,
        "title": pipeline.name if pipeline else _titles()[view],
        "pipeline": pipeline,
        "form": form,
        "page": result,
        "bulk_form": BulkForm(user=request.user),
        "is_next_page": bool(request.GET.get("after")),
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
    """The sidebar alone, polled for live counts."""
    context = {
        "nav": queries.navigation(request.user),
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
    for number, reason in result.refused:
        messages.error(request, f"#{number}: {reason}")
    done = len(result.done)
    text = ngettext("%(n)s ticket updated.", "%(n)s tickets updated.", done)
    return go(request, back, text % {"n": done} if done else "")
