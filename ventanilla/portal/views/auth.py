"""Signing in and out of the portal, one-time links and password reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ventanilla.desk.signin import client_address
from ventanilla.directory.access import agent_role
from ventanilla.portal.signin import (
    MAX_FAILURES,
    LinkRequestForm,
    PortalPasswordResetForm,
    SignInForm,
    count_attempt,
    link_tokens,
    portal_users,
    redeem_link,
    send_sign_in_link,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/portal/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}
    ):
        return candidate
    return reverse("portal:home")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if agent_role(request.user) is not None:
            return HttpResponseRedirect(reverse("desk:home"))
        if hasattr(request.user, "customer"):
            return HttpResponseRedirect(_next(request))
    form = SignInForm(request.POST or None, address=client_address(request))
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user, backend=BACKEND)
        return HttpResponseRedirect(_next(request))
    status = 429 if form.locked else (422 if request.method == "POST" else 200)
    context = {"form": form, "link_form": LinkRequestForm(), "next": _next(request)}
    return render(request, "portal/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    """Mail a one-time sign-in link; the answer never tells whether the
    address has an account. Requests are throttled per address and client."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        by_email = count_attempt("link-email", email)
        by_client = count_attempt("link-client", client_address(request))
        if by_email > MAX_FAILURES or by_client > MAX_FAILURES * 4:
            return render(
                request, "portal/link_sent.html", {"throttled": True}, status=429
            )
        send_sign_in_link(email)
        return render(request, "portal/link_sent.html", {"email": email})
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "portal/sign_in.html",
        {"form": SignInForm(), "link_form": form, "next": ""},
        status=status,
    )


def _link_user(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return portal_users().filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def use_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners that open links must not spend
    them); POST signs in, once."""
    user = _link_user(uidb64)
    if request.method == "GET":
        valid = user is not None and link_tokens.check_token(user, token)
        return render(
            request,
            "portal/use_link.html",
            {"valid": valid},
            status=200 if valid else 410,
        )
    if user is None or not redeem_link(user, token):
        return render(request, "portal/use_link.html", {"valid": False}, status=410)
    user.refresh_from_db(fields=["last_login"])
    login(request, user, backend=BACKEND)
    return HttpResponseRedirect(reverse("portal:home"))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out."))
    return HttpResponseRedirect(reverse("portal:login"))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset.html"
    email_template_name = "portal/emails/password_reset-body.txt"
    subject_template_name = "portal/emails/password_reset-subject.txt"
    success_url = reverse_lazy("portal:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
