"""Shared mailboxes that turn mail into tickets (R-CAP-1), and every raw
message that reached them (R-CAP-4)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.core.sealing import unseal
from ventanilla.pipelines.models import Pipeline
from ventanilla.tickets.models import Message, Ticket


def _new_token() -> str:
    return secrets.token_urlsafe(24)


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
    # The secret part of POST /inbound/email/<token> for providers' hooks.
    inbound_token = models.CharField(
        _("inbound token"), max_length=64, unique=True, default=_new_token
    )
    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_username = models.CharField(_("IMAP user"), max_length=200, blank=True)
    # Sealed (ventanilla.core.sealing): read it with ``imap_secret``.
    imap_password = models.TextField(_("IMAP password (encrypted)"), blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    imap_done_folder = models.CharField(
        _("IMAP folder for imported mail"),
        max_length=200,
        blank=True,
        help_text=_("Imported mail is moved here; empty: flag it and leave it."),
    )
    imap_uidvalidity = models.PositiveBigIntegerField(
        _("IMAP UIDVALIDITY"), null=True, blank=True
    )
    imap_last_uid = models.PositiveBigIntegerField(
        _("last imported IMAP UID"), default=0
    )

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.address

    def imap_secret(self) -> str:
        """The IMAP password in clear, for the login only."""
        return unseal(self.imap_password)


class Via(models.TextChoices):
    PIPE = "pipe", _("MTA pipe")
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP/LMTP")
    HTTP = "http", _("HTTP hook")


class Outcome(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    CREATED = "created", _("Created a ticket")
    APPENDED = "appended", _("Added to a ticket")
    QUARANTINED = "quarantined", _("Quarantined")
    SUPPRESSED = "suppressed", _("Suppressed (no ticket)")


class InboundMessage(models.Model):
    """A raw message exactly as received, stored before anything else.

    The unique SHA-256 makes ingestion idempotent: the same bytes twice are
    one row. ``outcome`` stays ``received`` until the message's ticket work
    is committed, so a crash in between is finished by the next attempt.
    """

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("mailbox"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    via = models.CharField(_("arrived via"), max_length=10, choices=Via.choices)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    message_id = models.CharField(
        _("Message-ID"), max_length=998, blank=True, db_index=True
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sender = models.CharField(_("sender"), max_length=320, blank=True, db_index=True)
    received_at = models.DateTimeField(
        _("received at"), auto_now_add=True, db_index=True
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    ticket_message = models.OneToOneField(
        Message,
        verbose_name=_("ticket message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [
            models.Index(fields=["outcome", "received_at"], name="inbound_outcome_idx")
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
