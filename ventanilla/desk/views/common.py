"""What every desk page shares: the sidebar, and how a form's outcome is
answered to a plain browser and to htmx."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from ventanilla.desk import queries
from ventanilla.desk.guards import DeskRequest

# htmx swaps these error responses: the form comes back with its errors.
REFUSED = 422


def _nav_key(request: DeskRequest) -> str:
    return f"desk:nav:{request.user.pk}"


def navigation(request: DeskRequest) -> queries.Navigation:
    """The sidebar's counts, counted now and kept
    ``VENTANILLA_DESK_NAV_CACHE_SECONDS`` (what the sidebar's own request,
    ``desk:nav``, answers with).

    Counting a large desk's queues costs more than a page itself; the
    sidebar refreshes every 30 s anyway, so counts a few seconds old are
    what the agent sees either way. The user's own filter changes drop
    the cached copy.
    """
    ttl = settings.VENTANILLA_DESK_NAV_CACHE_SECONDS
    nav = queries.navigation(request.user)
    if ttl > 0:
        cache.set(_nav_key(request), nav, ttl)
    return nav


def kept_navigation(request: DeskRequest) -> queries.Navigation | None:
    """The sidebar a page shows: the kept counts, or None when there are
    none (the page's sidebar then asks ``desk:nav`` for them as soon as it
    loads, so no page waits for the counting). With the cache off
    (``VENTANILLA_DESK_NAV_CACHE_SECONDS`` = 0) the page counts them."""
    if settings.VENTANILLA_DESK_NAV_CACHE_SECONDS <= 0:
        return queries.navigation(request.user)
    kept: queries.Navigation | None = cache.get(_nav_key(request))
    return kept


def forget_navigation(request: DeskRequest) -> None:
    cache.delete(_nav_key(request))


def page(
    request: DeskRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """A full page: the template with the sidebar's navigation."""
    context = {
        **context,
        "nav": kept_navigation(request),
        "current_path": request.path,
    }
    return render(request, template, context, status=status)


def partial(
    request: DeskRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    return render(request, template, context, status=status)


def go(request: DeskRequest, url: str, message: str = "") -> HttpResponse:
    """After a write: tell the user, then load ``url`` (a full reload for
    htmx, so every panel shows the new state and version)."""
    if message:
        messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def safe_next(request: DeskRequest, candidate: str, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return default
