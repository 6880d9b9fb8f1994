"""Configuration of the work: pipelines, their stages, ticket types, reasons
and priorities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.directory.models import Team


class StageKind(models.TextChoices):
    """What a stage means, whatever it is called in a pipeline.

    The kind drives the lifecycle rules and the SLA clocks: ``open`` is time
    on our side, ``waiting_customer`` on the customer's, ``waiting_third_party``
    on someone else's.
    """

    NEW = "new", _("New")
    OPEN = "open", _("Open (our side)")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting on third party")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Category(models.TextChoices):
    """The request category a customer picks in the portal."""

    GENERAL = "general", _("General")
    TECHNICAL = "technical", _("Technical")


class Scope(models.TextChoices):
    EXTERNAL = "external", _("External (customer)")
    INTERNAL = "internal", _("Internal (staff)")


class Pipeline(TimestampedModel):
    """The tickets of one area, moved through that area's stages."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="pipelines",
        help_text=_("The area that works this pipeline; its agents see its tickets."),
    )
    is_triage = models.BooleanField(
        _("triage pipeline"),
        default=False,
        help_text=_("New tickets wait here to be re-classified into an area."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(TimestampedModel):
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.CASCADE,
        related_name="stages",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["pipeline", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "name"], name="stage_name_unique"
            ),
            models.UniqueConstraint(
                fields=["pipeline", "position"], name="stage_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TicketType(TimestampedModel):
    """A kind of request within a pipeline, with who takes it and how."""

    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.CASCADE,
        related_name="types",
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    default_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default owners"),
        blank=True,
        related_name="default_for_types",
    )
    playbook = models.TextField(_("required action"), blank=True)
    guide_url = models.URLField(_("guide link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["pipeline", "position", "name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "name"], name="type_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Reason(TimestampedModel):
    """Why the customer writes ("motivo"): Ventas, Soporte, Pagos..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")

    def __str__(self) -> str:
        return self.name


class Priority(TimestampedModel):
    """Ordered priorities; rank 1 is the most urgent and sorts first."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#888888")

    class Meta:
        ordering = ["rank"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.name
