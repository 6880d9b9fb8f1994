"""Errors raised by actions when a write is refused.

They subclass ``ValidationError`` so a form can show them next to the field
the user got wrong, and carry a stable ``code`` for the API.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ActionRefused(ValidationError):
    """The action was not applied; the message says why, in the user's language."""

    def __init__(
        self, message: str, *, code: str, params: dict[str, object] | None = None
    ):
        super().__init__(message, code=code, params=params)

    def __str__(self) -> str:
        return " ".join(self.messages)


class StaleVersion(ActionRefused):
    """The ticket changed since the user loaded it (optimistic concurrency)."""
