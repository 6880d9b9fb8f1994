"""The page where a signed-in user (staff or customer) creates, lists and
revokes their personal API tokens. A new token is shown once, never again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ventanilla.api.actions import create_token, revoke_user_token
from ventanilla.api.forms import TokenForm
from ventanilla.api.models import ApiToken, Scope
from ventanilla.directory.access import agent_role


def _render(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    user = request.user
    staff = agent_role(user) is not None
    context = {
        **context,
        "tokens": ApiToken.objects.filter(user=user.pk).order_by("-created_at"),
        "base_template": "desk/base.html" if staff else "api/plain_base.html",
        "title": _("API tokens"),
        "docs_url": reverse("api:api-v1:openapi-view"),
    }
    if staff:
        from ventanilla.desk.queries import navigation

        context |= {"nav": navigation(user), "current_path": request.path}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, {"form": TokenForm()})
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, {"form": form}, status=422)
    assert request.user.is_authenticated  # noqa: S101 - login_required
    issued = create_token(
        request.user,
        name=form.cleaned_data["name"],
        scope=Scope(form.cleaned_data["scope"]),
    )
    return _render(
        request, {"form": TokenForm(), "new_token": issued.plaintext}, status=201
    )


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    assert request.user.is_authenticated  # noqa: S101 - login_required
    token = revoke_user_token(request.user, token_id)
    if token is not None:
        messages.success(
            request, _("The token “%(name)s” was revoked.") % {"name": token.name}
        )
    return HttpResponseRedirect(reverse("api:tokens"))
