"""Rules as data (R-CLS-6), the tags they set, and the decision log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.tickets.models import Ticket


class Rule(TimestampedModel):
    """One routing rule. ``conditions`` and ``actions`` are JSON documents
    validated by ``routing.schemas`` (pydantic, strict) in ``routing.actions``.
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), db_index=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=dict)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class RuleChangeKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class RuleChange(models.Model):
    """Who changed a rule, when, and the rule before and after: routing
    decides where customers' requests go, so its history is kept."""

    rule = models.ForeignKey(
        Rule,
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    rule_name = models.CharField(_("rule name"), max_length=150)
    kind = models.CharField(_("change"), max_length=10, choices=RuleChangeKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")

    def __str__(self) -> str:
        return f"{self.rule_name}: {self.get_kind_display()}"


class Tag(TimestampedModel):
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=7, default="#64748b")
    tickets: models.ManyToManyField[Ticket, TicketTag] = models.ManyToManyField(
        Ticket,
        through="TicketTag",
        verbose_name=_("tickets"),
        related_name="tags",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="ticket_tags",
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("added by rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "tag"], name="ticket_tag_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.tag_id}"


class TriageFlag(models.TextChoices):
    MISSING_INITIAL = "missing_initial", _("No subject initial")
    UNKNOWN_INITIAL = "unknown_initial", _("Unknown subject initial")
    UNROUTED_INITIAL = "unrouted_initial", _("Initial without a rule")


class TicketRouting(models.Model):
    """The last routing decision of a ticket: which rules decided what.

    The TicketEvent rows carry the same facts field by field; this row keeps
    the whole decision (including skipped actions) and the triage flag.
    """

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="routing",
    )
    decision = models.JSONField(_("decision"), default=dict)
    triage_flag = models.CharField(
        _("triage flag"),
        max_length=30,
        choices=TriageFlag.choices,
        blank=True,
        db_index=True,
    )
    errors = models.JSONField(_("actions not applied"), default=list, blank=True)
    routed_at = models.DateTimeField(_("routed at"))

    class Meta:
        ordering = ["-routed_at"]
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
