"""Signing in to the desk, with a lockout after repeated failures.

Failures are counted in the cache per (username, client address): after
``MAX_FAILURES`` within ``WINDOW_SECONDS`` that pair is refused until the
window expires, whether or not the next password is right. Counting per
pair keeps one noisy address from locking a user out everywhere.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from ventanilla.desk.models import DeskPreference
from ventanilla.directory.access import agent_role

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _max_failures() -> int:
    return int(getattr(settings, "VENTANILLA_LOGIN_MAX_FAILURES", MAX_FAILURES))


def _window() -> int:
    return int(getattr(settings, "VENTANILLA_LOGIN_LOCKOUT_SECONDS", WINDOW_SECONDS))


def client_address(request: HttpRequest) -> str:
    """The peer address; proxies are trusted only through REMOTE_ADDR."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(username: str, address: str) -> str:
    raw = f"{username.strip().lower()}|{address}".encode()
    return "desk:login-failures:" + hashlib.sha256(raw).hexdigest()


def is_locked(username: str, address: str) -> bool:
    return int(cache.get(_key(username, address), 0)) >= _max_failures()


def record_failure(username: str, address: str) -> int:
    key = _key(username, address)
    if cache.add(key, 1, _window()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, _window())
        return 1


def clear_failures(username: str, address: str) -> None:
    cache.delete(_key(username, address))


class DeskLoginForm(AuthenticationForm):
    """Django's form, refusing locked-out pairs and accounts that are not staff."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": gettext_lazy(
            "Too many failed attempts. Wait %(minutes)s minutes and try again."
        ),
        "not_agent": gettext_lazy("This account cannot use the agent desk."),
    }
    locked = False

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        address = client_address(self.request) if self.request else ""
        if is_locked(username, address):
            self.locked = True
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, _window() // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if agent_role(user) is None:
            raise forms.ValidationError(
                self.error_messages["not_agent"], code="not_agent"
            )


class DeskLoginView(auth_views.LoginView):
    form_class = DeskLoginForm
    template_name = "desk/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "locked", False):
            response.status_code = 429
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """Sign in, and speak the agent's chosen language from now on."""
        response = super().form_valid(form)
        preference = DeskPreference.objects.filter(user=form.get_user()).first()
        if preference is not None and preference.language:
            translation.activate(preference.language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                preference.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def get_default_redirect_url(self) -> str:
        return reverse("desk:home")
