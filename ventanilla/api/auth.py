"""Who is calling: a personal token (``Authorization: Bearer``) or the
browser's session (with CSRF on writes). Both are throttled per minute."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from ventanilla.api.actions import authenticate_token
from ventanilla.api.errors import ApiError
from ventanilla.api.models import Scope
from ventanilla.core import ratelimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The throttle's clock (tests hold it still inside one window).
clock = time.time


def _throttle(who: str) -> None:
    """A fixed one-minute window per caller, counted for every process
    (``core.ratelimit``)."""
    limit = settings.VENTANILLA_API_RATE_PER_MINUTE
    now = clock()
    count = ratelimit.hit(f"api:{who}", 60, now)
    if count.calls > limit:
        retry = max(1, int(count.window_ends - now) + 1)
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests; try again in %(seconds)s seconds.")
            % {"seconds": retry},
            headers={"Retry-After": str(retry)},
            retry_after=retry,
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        _throttle(f"t{api_token.pk}")
        if request.method not in SAFE_METHODS and api_token.scope != Scope.WRITE:
            raise ApiError(
                403,
                "read_only_token",
                _("This token may only read; create a token with write scope."),
            )
        request.user = api_token.user
        return api_token.user


class BrowserSession(SessionAuth):
    """Django's session cookie; writes need the CSRF token (X-CSRFToken)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            _throttle(f"u{user.pk}")
            return user
        return None


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # noqa: S101 - every endpoint requires auth
    return user
