"""The search document of a ticket, as the database keeps it.

On PostgreSQL the table ``search_ticketdocument`` holds two vectors per
ticket (see ``search.schema``); this unmanaged model lets the ORM join it.
On SQLite the index is an FTS5 virtual table with no model: there the
table of this model does not exist and nothing reads it.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.models import Ticket


class TicketDocument(models.Model):
    # No database constraint and DO_NOTHING: the rows are written and
    # deleted by triggers only, so Django's delete collector must ignore
    # them (it would race the trigger that rebuilds the row).
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="search_document",
    )
    spanish = SearchVectorField(_("Spanish-stemmed vector"))
    simple = SearchVectorField(_("unaccented vector"))

    class Meta:
        managed = False
        db_table = "search_ticketdocument"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
