"""Which customer notices went out, one row per ticket event.

The row is the claim that makes sending idempotent: a job that runs twice
(retries, two workers) finds the row and sends nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.tickets.models import Ticket, TicketEvent


class NoticeKind(models.TextChoices):
    RESOLVED = "resolved", _("Ticket resolved")
    CLOSED = "closed", _("Ticket closed")


class Notice(models.Model):
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    event = models.OneToOneField(
        TicketEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="notice",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    recipient = models.EmailField(_("recipient"), blank=True)
    email_message_id = models.CharField(_("email Message-ID"), max_length=998)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer notice")
        verbose_name_plural = _("customer notices")

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} → {self.recipient}"
