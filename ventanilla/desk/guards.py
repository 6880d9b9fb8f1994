"""Who may use the desk: signed-in staff only.

Anonymous visitors are sent to the desk's sign-in page; signed-in customers
(portal accounts) are refused with 403, they have nothing to see here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from ventanilla.directory.access import agent_role

P = ParamSpec("P")


class DeskRequest(HttpRequest):
    """The request a desk view gets: a staff user, and htmx details."""

    user: User
    htmx: HtmxDetails


DeskView = Callable[Concatenate[DeskRequest, P], HttpResponseBase]


def agent_required(
    view: DeskView[P],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    def wrapper(
        request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("desk:login"))
        if agent_role(request.user) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    functools.update_wrapper(wrapper, view)
    return wrapper
