"""Display helpers of the portal templates; no queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from ventanilla.channels.mail.parsing import rewrite_cid_sources

register = template.Library()


@register.simple_tag
def public_body(message: Any, number: int) -> str:
    """A message's body: the new text when a quote was split off, else the
    sanitised HTML with inline images pointing at the portal's download."""
    if message.quoted_text or not message.body_html:
        return linebreaks(message.body_text, autoescape=True)
    urls = {
        a.content_id: reverse("portal:attachment", args=[number, a.pk])
        for a in message.attachments.all()
        if a.content_id
    }
    # body_html was sanitised with nh3 when it was stored.
    return mark_safe(rewrite_cid_sources(message.body_html, urls))  # noqa: S308


@register.filter
def author_name(message: Any) -> str:
    """Who wrote it, as the customer knows them."""
    if message.author_contact_id and message.author_contact:
        return str(message.author_contact.name)
    user = message.author_user
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
