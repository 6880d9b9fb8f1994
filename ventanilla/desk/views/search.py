"""The search box's results: the best matches among visible tickets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ventanilla.desk import queries
from ventanilla.desk.guards import DeskRequest, agent_required
from ventanilla.desk.views.common import page

MAX_QUERY = 200


@require_GET
@agent_required
def search(request: DeskRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = (
        queries.search_results(
            request.user,
            text,
            limit=settings.VENTANILLA_DESK_SEARCH_RESULTS,
            candidates=settings.VENTANILLA_DESK_SEARCH_CANDIDATES,
        )
        if text
        else None
    )
    return page(
        request,
        "desk/search.html",
        {
            "q": text,
            "search_text": text,
            "results": results,
            "limit": settings.VENTANILLA_DESK_SEARCH_RESULTS,
            "candidates": settings.VENTANILLA_DESK_SEARCH_CANDIDATES,
            "now": timezone.now(),
        },
    )
