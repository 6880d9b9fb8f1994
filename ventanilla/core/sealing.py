"""Secrets we must give back to someone else (an IMAP password), kept
encrypted at rest.

Values are sealed with Fernet (AES-128-CBC with HMAC-SHA256) under a key
derived from ``VENTANILLA_SEALING_KEY`` (falling back to ``SECRET_KEY``).
Old keys listed in ``VENTANILLA_OLD_SEALING_KEYS`` still open what they
sealed, so a key can be rotated without losing stored passwords. A database
dump alone does not reveal them.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "sealed:"


class Unsealable(Exception):
    """The value was sealed with a key this installation no longer has."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"ventanilla-sealing:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    current = settings.VENTANILLA_SEALING_KEY or settings.SECRET_KEY
    old = [key for key in settings.VENTANILLA_OLD_SEALING_KEYS if key]
    return MultiFernet([_fernet(current), *(_fernet(key) for key in old)])


def seal(value: str) -> str:
    """The stored form of ``value``; the empty string stays empty."""
    if not value:
        return ""
    return PREFIX + _keys().encrypt(value.encode()).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str) -> str:
    """The value behind ``stored``. Values written before sealing existed
    come back as they are."""
    if not is_sealed(stored):
        return stored
    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise Unsealable(
            "A stored secret was sealed with a key this installation does not "
            "have; set VENTANILLA_OLD_SEALING_KEYS or enter the secret again."
        ) from exc
