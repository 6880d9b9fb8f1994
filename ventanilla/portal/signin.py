"""Signing in to the portal: email and password, or a one-time link.

The link needs no table. It is a token in the manner of Django's password
reset tokens: an HMAC over the user's id, password hash, *exact* last
sign-in time and the issue time. Signing in moves ``last_login``, so a used
link no longer matches; the claim in ``redeem_link`` (a conditional UPDATE
on ``last_login``) makes that true even for two clicks in the same instant.
Nothing secret is stored, so a database leak yields no usable links, and
the issue time bounds the link to ``VENTANILLA_PORTAL_LINK_MINUTES``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from ventanilla.core.emails import make_message

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _throttle_key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"portal:{kind}:{digest}"


def count_attempt(kind: str, value: str) -> int:
    """Count one attempt of ``kind`` for ``value`` in the current window."""
    key = _throttle_key(kind, value)
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def attempts(kind: str, value: str) -> int:
    return int(cache.get(_throttle_key(kind, value), 0))


def clear_attempts(kind: str, value: str) -> None:
    cache.delete(_throttle_key(kind, value))


def portal_users() -> QuerySet[User]:
    """Active users with a portal account (never staff)."""
    return User.objects.filter(
        is_active=True, customer__isnull=False, agent__isnull=True
    )


class SignInLinkTokens(PasswordResetTokenGenerator):
    key_salt = "ventanilla.portal.signin.SignInLinkTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        seen = user.last_login.isoformat() if user.last_login else ""
        return f"{user.pk}{user.password}{seen}{timestamp}{user.email}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(str(token).split("-")[0])
        age = self._num_seconds(self._now()) - issued
        return 0 <= age <= settings.VENTANILLA_PORTAL_LINK_MINUTES * 60


link_tokens = SignInLinkTokens()


def link_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("portal:link", args=[uid, link_tokens.make_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def send_sign_in_link(email: str) -> bool:
    """Mail a one-time link to the portal account of ``email``, if any.

    Returns whether a mail went out; callers must not tell the visitor
    (that would reveal which addresses have accounts).
    """
    user = portal_users().filter(email__iexact=email.strip()).first()
    if user is None:
        return False
    message = make_message(
        "portal/emails/sign_in_link",
        {
            "user": user,
            "url": link_url(user),
            "minutes": settings.VENTANILLA_PORTAL_LINK_MINUTES,
        },
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
    return True


def redeem_link(user: User, token: str) -> bool:
    """Use the link once: claim it by moving ``last_login`` conditionally."""
    if not link_tokens.check_token(user, token):
        return False
    claimed = User.objects.filter(pk=user.pk, last_login=user.last_login).update(
        last_login=timezone.now()
    )
    return bool(claimed)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, address: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address = address
        self.user: User | None = None
        self.locked = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = str(cleaned.get("email", ""))
        key = f"{email}|{self.address}"
        if attempts("login", key) >= MAX_FAILURES:
            self.locked = True
            raise forms.ValidationError(
                _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
                code="locked",
                params={"minutes": WINDOW_SECONDS // 60},
            )
        if not email or "password" not in cleaned:
            return cleaned
        account = portal_users().filter(email__iexact=email).first()
        user = (
            authenticate(username=account.username, password=cleaned["password"])
            if account
            else None
        )
        if user is None:
            count_attempt("login", key)
            raise forms.ValidationError(
                _("The email or the password is not right."), code="invalid_login"
            )
        clear_attempts("login", key)
        self.user = user
        return cleaned


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, for portal accounts only."""

    def get_users(self, email: str) -> Any:
        # An account invited without a password sets its first one here.
        return iter(portal_users().filter(email__iexact=email))
