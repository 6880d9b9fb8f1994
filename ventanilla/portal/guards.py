"""Who may use the portal: signed-in customer users only.

Anonymous visitors are sent to the portal's sign-in page. Staff who reach
the portal are sent to the desk, where their work is; the desk refuses
customers on its side.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from ventanilla.directory.access import agent_role
from ventanilla.directory.models import CustomerUser

P = ParamSpec("P")


class PortalRequest(HttpRequest):
    """The request a portal view gets: a signed-in customer user."""

    user: User
    customer: CustomerUser


PortalView = Callable[Concatenate[PortalRequest, P], HttpResponseBase]


def customer_of(user: object) -> CustomerUser | None:
    """The active portal account behind ``user``, if it is one."""
    if not isinstance(user, User) or not user.is_active:
        return None
    customer = (
        CustomerUser.objects.select_related("contact__company")
        .filter(user=user)
        .first()
    )
    if customer is not None:
        # Cached on the user: ``visible_tickets`` reads it without a query.
        user.customer = customer
    return customer


def customer_required(
    view: PortalView[P],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    def wrapper(
        request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if agent_role(request.user) is not None:
            return HttpResponseRedirect(reverse("desk:home"))
        customer = customer_of(request.user)
        if customer is None:
            raise PermissionDenied
        request.customer = customer  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    functools.update_wrapper(wrapper, view)
    return wrapper
