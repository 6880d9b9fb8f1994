"""Email from templates: ``<name>-subject.txt``, ``<name>-body.txt`` and
``<name>-body.html``, rendered in the organisation's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def make_message(
    template: str,
    context: Mapping[str, Any],
    *,
    to: Sequence[str],
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """Render ``template``'s triple into one multipart message.

    The subject is flattened to one line, whatever the template produced.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}-subject.txt", dict(context))
        text = render_to_string(f"{template}-body.txt", dict(context))
        html = render_to_string(f"{template}-body.html", dict(context))
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=dict(headers or {}),
    )
    message.attach_alternative(html, "text/html")
    return message
