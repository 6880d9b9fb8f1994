"""HTML sanitising for anything that came from outside.

Bodies from email, the portal or the API are stored twice: as text, and as
HTML cleaned by nh3 with a small allow-list, so a template can mark the stored
HTML safe without trusting the sender.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3",
    "h4", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "cid"}

_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-4]|blockquote|pre)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_html(raw: str) -> str:
    """Return ``raw`` with everything outside the allow-list removed."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def html_to_text(raw: str) -> str:
    """Derive readable text from (already sanitised) HTML."""
    without_scripts = nh3.clean(
        raw,
        tags={
            "p",
            "div",
            "li",
            "tr",
            "br",
            "h1",
            "h2",
            "h3",
            "h4",
            "blockquote",
            "pre",
        },
    )
    text = _TAG.sub("", _BLOCK_END.sub("\n", without_scripts))
    return _BLANK_LINES.sub("\n\n", html.unescape(text)).strip()


def text_to_html(text: str) -> str:
    """Render plain text as escaped paragraphs."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
