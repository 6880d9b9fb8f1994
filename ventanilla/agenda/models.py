"""Activities with a due date on an owner's agenda (SPEC §7): the calls,
meetings and tasks a ticket needs, or an agent's own to-dos, and the secret
address of each agent's calendar feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.directory.models import Contact
from ventanilla.tickets.models import Ticket


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Activity(TimestampedModel):
    """Something an agent must do by ``due_at``; open until ``done_at``."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ActivityKind.choices, default="task"
    )
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # An agent's agenda and calendar feed: open activities in due
            # order, resumable from a (due_at, id) cursor.
            models.Index(
                fields=["owner", "due_at", "id"],
                condition=models.Q(done_at__isnull=True),
                name="activity_owner_open_idx",
            ),
            # "Done recently" on the agenda.
            models.Index(
                fields=["owner", "done_at"],
                condition=models.Q(done_at__isnull=False),
                name="activity_owner_done_idx",
            ),
            # The ticket's tab, and the customer's other open activities.
            models.Index(fields=["ticket", "due_at"], name="activity_ticket_idx"),
            models.Index(
                fields=["contact", "due_at"],
                condition=models.Q(done_at__isnull=True),
                name="activity_contact_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=False)
                | models.Q(done_by__isnull=True),
                name="activity_done_by_needs_done_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AgendaFeed(TimestampedModel):
    """The secret address of an agent's calendar feed.

    The token is the only credential of the feed (calendar applications
    send no session), so it is long and random; it is kept as it is,
    rather than hashed, because the agent copies the address again into
    each new calendar application, as with the secret address of other
    calendars. Renewing it replaces the row's token: the old address stops
    working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
