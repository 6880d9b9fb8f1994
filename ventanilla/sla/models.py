"""Service levels (R-SLA): calendars, policies, clock segments and the
per-ticket SLA state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.pipelines.models import Pipeline, Priority
from ventanilla.tickets.models import Ticket


def _default_weekly_hours() -> dict[str, list[list[str]]]:
    return {
        day: [["09:00", "13:00"], ["14:00", "18:00"]]
        for day in ("mon", "tue", "wed", "thu", "fri")
    }


class BusinessCalendar(TimestampedModel):
    """Working hours and holidays; ``weekly_hours`` is validated by
    ``sla.schemas.WeeklyHours`` in ``sla.actions``."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Lima")
    weekly_hours = models.JSONField(_("weekly hours"), default=_default_weekly_hours)
    country = models.CharField(
        _("holidays of country"),
        max_length=3,
        default="PE",
        blank=True,
        help_text=_("ISO code (PE, ES...); empty for no public holidays."),
    )
    subdivision = models.CharField(_("region"), max_length=10, blank=True)
    extra_holidays = models.JSONField(_("other closing days"), default=list, blank=True)
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TimestampedModel):
    """Targets for the tickets of a pipeline and priority (R-SLA-1).

    An empty pipeline or priority means any; the most specific enabled
    policy applies (pipeline and priority, then pipeline, then priority,
    then neither).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), null=True, blank=True
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (% of the target)"), default=80
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["pipeline", "priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warning_percent__gte=1, warning_percent__lte=100),
                name="sla_warning_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Side(models.TextChoices):
    OURS = "ours", _("Our side")
    CUSTOMER = "customer", _("Customer's side")
    THIRD_PARTY = "third_party", _("Third party's side")


class ClockSegment(models.Model):
    """A stretch of time on one side, in the ticket's calendar.

    ``end`` and ``business_seconds`` are empty while the segment runs: its
    time so far is in the ticket's ``TicketSla`` totals (as of
    ``computed_at``). Finished segments never change, so a recomputation
    rewrites a ticket's segments only when its history changed.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="clock_segments",
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    business_seconds = models.PositiveBigIntegerField(
        _("business seconds"), null=True, blank=True
    )

    class Meta:
        ordering = ["ticket", "start"]
        verbose_name = _("clock segment")
        verbose_name_plural = _("clock segments")
        indexes = [models.Index(fields=["ticket", "start"], name="clock_ticket_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.side} {self.start:%Y-%m-%d %H:%M}"


class SlaState(models.TextChoices):
    NONE = "none", _("No target")
    RUNNING = "running", _("On time")
    PAUSED = "paused", _("Paused")
    WARNING = "warning", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


class TicketSla(models.Model):
    """A ticket's clocks and targets as of ``computed_at`` (one per ticket)."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sla",
    )
    policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("clocks running"), default=True)
    running_side = models.CharField(
        _("running clock"), max_length=20, choices=Side.choices, blank=True
    )
    ours_seconds = models.PositiveBigIntegerField(_("our side (s)"), default=0)
    customer_seconds = models.PositiveBigIntegerField(
        _("customer's side (s)"), default=0
    )
    third_party_seconds = models.PositiveBigIntegerField(
        _("third party's side (s)"), default=0
    )
    first_response_state = models.CharField(
        _("first response"),
        max_length=20,
        choices=SlaState.choices,
        default=SlaState.NONE,
    )
    first_response_due_at = models.DateTimeField(
        _("first response due"), null=True, blank=True
    )
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    first_response_warned_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_state = models.CharField(
        _("resolution"),
        max_length=20,
        choices=SlaState.choices,
        default=SlaState.NONE,
    )
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["ticket"]
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")
        indexes = [
            models.Index(
                fields=["is_active", "resolution_warn_at"], name="sla_res_warn_idx"
            ),
            models.Index(
                fields=["is_active", "resolution_due_at"], name="sla_res_due_idx"
            ),
            models.Index(
                fields=["is_active", "first_response_warn_at"], name="sla_fr_warn_idx"
            ),
            models.Index(
                fields=["is_active", "first_response_due_at"], name="sla_fr_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
