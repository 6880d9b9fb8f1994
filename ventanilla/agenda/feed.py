"""The calendar feed's document: an agent's open activities as iCalendar
entries that link back to the desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext as _

from ventanilla.agenda import ical
from ventanilla.agenda.models import Activity

# How long an entry lasts in the calendar: activities have a due time,
# not a length; half an hour keeps them visible without filling the day.
ENTRY_LENGTH = dt.timedelta(minutes=30)


def _uid_host() -> str:
    """A stable domain for entry UIDs: the configured site, not whichever
    host name the calendar application happened to use."""
    return urlsplit(settings.SITE_URL).hostname or "ventanilla"


def _entry(activity: Activity, host: str, absolute: Callable[[str], str]) -> ical.Entry:
    ticket = activity.ticket
    summary = activity.title
    lines = [activity.get_kind_display()]
    if ticket is not None:
        summary = f"{ticket.token} {activity.title}"
        lines.append(
            _("Ticket %(token)s: %(subject)s")
            % {"token": ticket.token, "subject": ticket.subject}
        )
    if activity.contact is not None:
        lines.append(_("Customer: %(name)s") % {"name": activity.contact})
    if activity.notes:
        lines += ["", activity.notes]
    target = (
        reverse("desk:ticket", args=[ticket.number]) + "?tab=activities"
        if ticket is not None
        else reverse("desk:agenda")
    )
    return ical.Entry(
        uid=f"activity-{activity.pk}@{host}",
        stamp=activity.updated_at,
        start=activity.due_at,
        duration=ENTRY_LENGTH,
        summary=summary,
        description="\n".join(lines),
        url=absolute(target),
        categories=activity.get_kind_display(),
    )


def feed_document(
    user: User, activities: Iterable[Activity], *, absolute: Callable[[str], str]
) -> str:
    """``absolute`` turns a path into the address the agent opens."""
    host = _uid_host()
    name = _("Ventanilla agenda of %(name)s") % {
        "name": user.get_full_name() or user.get_username()
    }
    return ical.calendar(name, (_entry(a, host, absolute) for a in activities))
