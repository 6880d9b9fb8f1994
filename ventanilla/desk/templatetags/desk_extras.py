"""Display helpers of the desk templates; no queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ventanilla.channels.mail.parsing import rewrite_cid_sources

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


@register.simple_tag
def message_body(message: Any, number: int) -> str:
    """A message's body for the thread.

    1. When quoted history was split off, the new text is shown (the quote
       is folded below it); the HTML would repeat the quote unfolded.
    2. Otherwise the sanitised HTML, with inline images (``cid:``) pointing
       at the access-checked attachment view.
    """
    if message.quoted_text or not message.body_html:
        return linebreaks(message.body_text, autoescape=True)
    return original_html(message, number)


@register.simple_tag
def original_html(message: Any, number: int) -> str:
    urls = {
        a.content_id: reverse("desk:attachment", args=[number, a.pk])
        for a in message.attachments.all()
        if a.content_id
    }
    # body_html was sanitised with nh3 when it was stored.
    return mark_safe(rewrite_cid_sources(message.body_html, urls))  # noqa: S308


@register.filter
def business_time(seconds: Any) -> str:
    """Business seconds as hours and minutes: "4 h 05 min"."""
    try:
        total = int(seconds or 0)
    except (TypeError, ValueError):
        return "—"
    hours, rest = divmod(total, 3600)
    return f"{hours} h {rest // 60:02d} min"


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"


# Day first, as the desk writes dates everywhere (numbers only: a month
# name would need the locale's format machinery, per row).
FULL_STAMP = "%d/%m/%Y %H:%M"


@register.simple_tag
def sla_left(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Time left before an SLA due time, or how long ago it passed.

    Written in Python rather than with an inclusion template: a queue page
    shows one per row, and a template per row was a tenth of the page."""
    if due is None:
        return mark_safe('<span class="muted">—</span>')
    now = now or timezone.now()
    late = due <= now
    window = dt.timedelta(minutes=settings.VENTANILLA_DESK_SLA_WARNING_MINUTES)
    soon = not late and due - now <= window
    span = {"span": _span(now - due if late else due - now)}
    local = timezone.localtime(due)
    return format_html(
        '<time class="{}" datetime="{}" title="{} {}">{}</time>',
        "sla sla-late" if late else "sla sla-soon" if soon else "sla",
        local.isoformat(),
        gettext("SLA due"),
        local.strftime(FULL_STAMP),
        gettext("overdue by %(span)s") % span
        if late
        else gettext("%(span)s left") % span,
    )


@register.simple_tag
def stamp(moment: dt.datetime) -> str:
    """A moment as "dd/mm HH:MM" in the current time zone, with the full
    date as its title (one time-zone conversion for the three forms)."""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime(FULL_STAMP),
        local.strftime("%d/%m %H:%M"),
    )


@register.simple_tag
def queue_rows(tickets: Any, pipeline: Any, now: dt.datetime) -> str:
    """The rows of a queue page, one ``<tr>`` per ticket.

    Built in Python, as Django's admin builds its change-list rows: fifty
    rows through the template engine were the largest part of a queue
    page's time (``bench/RESULTS.md``). ``pipeline`` is the queue's own
    pipeline, if any (its name is then not repeated on every row)."""
    internal = gettext("internal")
    # One reverse() for the page: ticket links differ by number only.
    link = reverse("desk:ticket", args=[0]).removesuffix("0/")
    return mark_safe(  # noqa: S308 - every value below goes through format_html
        "".join(_queue_row(t, pipeline is None, now, internal, link) for t in tickets)
    )


def _queue_row(
    ticket: Any, show_pipeline: bool, now: dt.datetime, internal: str, link: str
) -> str:
    href = f"{link}{ticket.number}/"
    kind = []
    if show_pipeline:
        kind.append(ticket.pipeline.name)
    if ticket.type is not None:
        kind.append(ticket.type.name)
    about = format_html_join(" · ", "{}", ((name,) for name in kind))
    if ticket.scope == "internal":
        about = format_html('{} · <span class="tag">{}</span>', about, internal)
    priority = ticket.priority
    if priority is None:
        prio = mark_safe('<span class="muted">—</span>')
    else:
        prio = format_html(
            '<span class="prio" style="--prio: {}">{}</span>',
            css_color(priority.color),
            priority.name,
        )
    requester, company = ticket.requester, ticket.company
    return format_html(
        "<tr>"
        '<td class="check"><input type="checkbox" name="tickets" value="{number}"'
        ' form="bulk" aria-label="#{number}"></td>'
        '<td class="num"><a href="{href}">{number}</a></td>'
        '<td class="subject"><a href="{href}">{subject}</a>'
        '<div class="sub">{about}</div></td>'
        '<td class="who">{requester}<div class="sub">{company}</div></td>'
        '<td class="state"><span class="stage stage-{kind}">{stage}</span>'
        '<div class="sub">{prio}</div></td>'
        '<td class="owner">{owner}</td>'
        '<td class="due">{due}<div class="sub age">{created}</div></td>'
        "</tr>\n",
        number=ticket.number,
        href=href,
        subject=ticket.subject,
        about=about,
        requester=(requester.name if requester is not None else "") or "—",
        company=company.name if company is not None else "",
        kind=ticket.stage.kind,
        stage=ticket.stage.name,
        prio=prio,
        owner=person(ticket.owner) or "—",
        due=sla_left(ticket.sla_due, now),
        created=stamp(ticket.created_at),
    )
