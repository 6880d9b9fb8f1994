"""Absolute links into the portal, for mail.

The survey link works without signing in: it carries the ticket's id
signed with the site's secret and a salt of its own, so it cannot be
forged nor turned into another ticket's link, and it expires after
``VENTANILLA_CSAT_DAYS``. It only lets its holder rate that ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ventanilla.tickets.models import Ticket

_SURVEY_SALT = "ventanilla.portal.survey"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def ticket_url(ticket: Ticket) -> str:
    return absolute(reverse("portal:ticket", args=[ticket.number]))


def survey_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=_SURVEY_SALT, compress=False)


def survey_url(ticket: Ticket) -> str:
    return absolute(reverse("portal:survey", args=[survey_token(ticket)]))


def ticket_from_survey_token(token: str) -> Ticket | None:
    """The ticket a valid, unexpired survey token names, else None."""
    try:
        pk = signing.loads(
            token, salt=_SURVEY_SALT, max_age=settings.VENTANILLA_CSAT_DAYS * 86400
        )
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(pk, int):
        return None
    return Ticket.objects.select_related("stage").filter(pk=pk).first()
