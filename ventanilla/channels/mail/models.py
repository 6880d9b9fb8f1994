"""Shared mailboxes that turn mail into tickets (R-CAP-1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.pipelines.models import Pipeline


class Mailbox(TimestampedModel):
    address = models.EmailField(_("address"), unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("default pipeline"),
        on_delete=models.PROTECT,
        related_name="mailboxes",
    )
    is_connected = models.BooleanField(
        _("connected"),
        default=True,
        help_text=_(
            "Mail to a mailbox that is not connected is kept and quarantined, "
            "never turned into tickets."
        ),
    )

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address
