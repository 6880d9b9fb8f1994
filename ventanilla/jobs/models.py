"""Claims of periodic work, so that two schedulers never run a slot twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One run of a periodic job for one slot (e.g. "review_digest" at
    09:00 of a day). The row is created by whoever gets there first; the
    run belongs to the worker whose conditional UPDATE set ``claimed_at``.
    """

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "slot"], name="scheduled_run_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M:%S}"
