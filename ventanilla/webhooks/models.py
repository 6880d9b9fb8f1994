"""Outbound webhooks: URLs subscribed to ticket events, and every attempt
to deliver one."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated")
    MESSAGE_CREATED = "message.created", _("Message created")
    TICKET_SLA_BREACHED = "ticket.sla_breached", _("SLA breached")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(TimestampedModel):
    """An administrator's subscription of ``url`` to some events."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_("Event names, e.g. ticket.created, message.created."),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Failed, no more retries")
    REFUSED = "refused", _("Refused (address not allowed)")


class Delivery(models.Model):
    """One attempt to POST one event to one subscription.

    A failed attempt with retries left carries ``next_attempt_at``; the
    retry is a new row with the same ``event_id`` and ``attempt`` + 1.
    """

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    response_status = models.PositiveSmallIntegerField(
        _("response status"), null=True, blank=True
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, db_index=True
    )
    # Set when the retry of this failed attempt has been taken by a worker.
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id", "attempt"],
                name="delivery_attempt_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} #{self.attempt}"
