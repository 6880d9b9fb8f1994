"""Outgoing notices rendered from template triples (ARCHITECTURE: email out).

``make_message("sla/email/notice", context, to)`` renders
``sla/email/notice-subject.txt``, ``-body.txt`` and ``-body.html``. These
are notifications, not replies: they carry ``Auto-Submitted:
auto-generated`` (RFC 3834) so that auto-responders stay silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def make_message(
    template: str, context: dict[str, Any], to: Sequence[str]
) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}-subject.txt", context)
        text = render_to_string(f"{template}-body.txt", context)
        html = render_to_string(f"{template}-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=list(to),
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
