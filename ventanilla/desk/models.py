"""What the desk keeps of its own: agents' saved queue filters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.directory.models import Team


class SavedFilter(TimestampedModel):
    """A named queue filter: the queue it starts from and the filter form's
    values, as the query string had them. Shown in its owner's sidebar,
    and in the sidebar of every agent of ``team`` when shared."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField(_("name"), max_length=80)
    view = models.CharField(_("queue"), max_length=20, default="all")
    params = models.JSONField(_("filter values"), default=dict, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("shared with team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_filters",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], name="saved_filter_name_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Sorted: PostgreSQL's jsonb does not keep the keys' order.
        query = urlencode([*sorted(self.params.items()), ("saved", self.pk)])
        return f"{reverse('desk:queue', args=[self.view])}?{query}"


class DeskPreference(models.Model):
    """An agent's own settings: the language the desk speaks to them in,
    applied at every sign-in (the language cookie holds it meanwhile)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="desk_preference",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("desk preference")
        verbose_name_plural = _("desk preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
