"""Display helpers of the desk templates; no queries."""

from __future__ import annotations

import re
from typing import Any

from django import template

register = template.Library()

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@register.filter
def css_color(value: Any) -> str:
    """A configured colour, only if it is a plain #rrggbb (never raw CSS)."""
    text = str(value or "")
    return text if _HEX_COLOUR.match(text) else "#888888"


@register.filter
def person(user: Any) -> str:
    """A staff member's display name."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
