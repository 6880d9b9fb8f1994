"""The ticket and its life: messages, attachments, links and the audit trail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.directory.models import Company, Contact, Team
from ventanilla.pipelines.models import (
    Category,
    Pipeline,
    Priority,
    Reason,
    Scope,
    Stage,
    TicketType,
)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Customer portal")
    WEB_FORM = "web_form", _("Web form")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("In person")
    WHATSAPP = "whatsapp", _("WhatsApp")
    CHAT = "chat", _("Chat")
    INTERNAL = "internal", _("Created by an agent")


# The desk's queue order, denormalised onto the ticket (see ``Ticket``):
# a ticket without a priority, or without a running SLA clock, carries these
# sentinels rather than NULL. PostgreSQL sorts NULLs last and SQLite first,
# and a key-set cursor cannot compare a NULL; with sentinels the order is a
# plain ascending tuple, identical on both databases, that a b-tree index
# serves as it is and a row comparison can resume from.
NO_PRIORITY_RANK = 32767  # after every real rank (the field's maximum)
NO_SLA_DUE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)  # after every due time


class TicketNumber(models.Model):
    """The one-row counter behind human ticket numbers.

    A number is taken by incrementing this row inside the transaction that
    creates the ticket: the row lock serialises concurrent creations on
    PostgreSQL (and IMMEDIATE transactions do on SQLite), and the counter only
    grows, so a number is never handed out twice nor reused after a delete.
    """

    last = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("ticket number counter")

    def __str__(self) -> str:
        return str(self.last)


class Ticket(TimestampedModel):
    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    requester = models.ForeignKey(
        Contact,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_tickets",
    )
    cc = models.ManyToManyField(
        Contact, verbose_name=_("CC"), blank=True, related_name="cc_tickets"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="tickets"
    )
    type = models.ForeignKey(
        TicketType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    reason = models.ForeignKey(
        Reason,
        verbose_name=_("reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    priority = models.ForeignKey(
        Priority,
        verbose_name=_("priority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_tickets",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.EXTERNAL
    )
    category = models.CharField(
        _("request category"),
        max_length=20,
        choices=Category.choices,
        default=Category.GENERAL,
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # The sender's own urgency mark (Importance: high, "URGENTE"): shown to
    # the agent; it changes the priority only if a rule says so (R-CLS-5).
    marked_urgent = models.BooleanField(_("marked urgent by the sender"), default=False)
    # Bumped by every action; a write made against an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    first_response_at = models.DateTimeField(
        _("first response at"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(
        _("last customer message at"), null=True, blank=True
    )
    # When the automatic "we received your request" mail went out, if it did.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The queue order (priority rank, next SLA due time, creation), kept on
    # the ticket so that a queue page is an index range scan. The rank is
    # written by ``tickets.actions`` with the priority and by
    # ``pipelines.actions.update_priority``; the due time by
    # ``sla.actions.recompute_many`` with the SLA row. Sentinels, not NULL:
    # see ``NO_PRIORITY_RANK`` and ``NO_SLA_DUE``.
    priority_rank = models.PositiveSmallIntegerField(
        _("priority rank"), default=NO_PRIORITY_RANK, editable=False
    )
    sla_due_at = models.DateTimeField(
        _("next SLA due time"), default=NO_SLA_DUE, editable=False
    )
    # The earliest warning time of the ticket's pending SLA targets (the
    # "SLA at risk" queue is ``sla_warn_at <= now``, an index range rather
    # than a search through the SLA rows). Written with ``sla_due_at``.
    sla_warn_at = models.DateTimeField(
        _("next SLA warning time"), default=NO_SLA_DUE, editable=False
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(
                fields=["pipeline", "stage", "priority"], name="ticket_queue_idx"
            ),
            models.Index(fields=["owner", "stage"], name="ticket_owner_idx"),
            # Queue pages in queue order: everything, one owner's, one
            # pipeline's (the stage and visibility conditions filter the
            # rows the scan meets; see ``desk.queries.queue_page``).
            models.Index(
                fields=["priority_rank", "sla_due_at", "created_at", "id"],
                name="ticket_order_idx",
            ),
            models.Index(
                fields=["owner", "priority_rank", "sla_due_at", "created_at", "id"],
                name="ticket_owner_order_idx",
            ),
            models.Index(
                fields=["pipeline", "priority_rank", "sla_due_at", "created_at", "id"],
                name="ticket_pipeline_order_idx",
            ),
            # The "SLA at risk" queue: warned, or due within the desk's window.
            models.Index(fields=["sla_warn_at"], name="ticket_sla_warn_idx"),
            models.Index(fields=["sla_due_at"], name="ticket_sla_due_idx"),
            # The sidebar's counts, from the index alone.
            models.Index(
                fields=["stage", "pipeline", "owner"], name="ticket_counts_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def token(self) -> str:
        """The reference carried in mail subjects, e.g. ``[#10042]``."""
        return f"[#{self.number}]"


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Agent reply")
    NOTE = "note", _("Internal note")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    INTERNAL = "internal", _("Internal")


class Message(TimestampedModel):
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author (staff)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_messages",
    )
    author_contact = models.ForeignKey(
        Contact,
        verbose_name=_("author (contact)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_messages",
    )
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    # Quoted history and signature split off the new text; shown folded.
    quoted_text = models.TextField(_("quoted text"), blank=True)
    # The RFC 5322 Message-ID (ours for outgoing mail), for threading replies.
    email_message_id = models.CharField(
        _("email Message-ID"), max_length=998, blank=True, db_index=True
    )
    email_sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author_user__isnull=False)
                | models.Q(author_contact__isnull=False),
                name="message_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


class Attachment(TimestampedModel):
    """A file (kept on the configured storage) or a URL attached to a ticket."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"), upload_to="attachments/%Y/%m/", blank=True, max_length=300
    )
    url = models.URLField(_("URL"), blank=True, max_length=1000)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=150, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # An image the message's HTML shows inline refers to it as cid:<id>.
    content_id = models.CharField(_("content id"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(url=""))
                | (models.Q(file="") & ~models.Q(url="")),
                name="attachment_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class LinkKind(models.TextChoices):
    FOLLOW_UP_OF = "follow_up_of", _("is a follow-up of")
    PRECEDES = "precedes", _("precedes")
    DUPLICATE_OF = "duplicate_of", _("is a duplicate of")
    RELATED = "related", _("is related to")


class TicketLink(TimestampedModel):
    """A directed relation: ``source`` <kind> ``target``."""

    source = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="links_out",
    )
    target = models.ForeignKey(
        Ticket,
        verbose_name=_("linked ticket"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LinkKind.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.kind} #{self.target_id}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    MESSAGE_ADDED = "message_added", _("Customer message")
    REPLY_ADDED = "reply_added", _("Reply sent")
    NOTE_ADDED = "note_added", _("Note added")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    PIPELINE_CHANGED = "pipeline_changed", _("Pipeline changed")
    FIELD_CHANGED = "field_changed", _("Field changed")
    LINKED = "linked", _("Linked")
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Ticket merged in")
    FOLLOW_UP_CREATED = "follow_up_created", _("Follow-up ticket created")
    SLA_WARNING = "sla_warning", _("SLA at risk")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    SATISFACTION_RATED = "satisfaction_rated", _("Satisfaction rated")
    ACTIVITY_PLANNED = "activity_planned", _("Activity planned")
    ACTIVITY_UPDATED = "activity_updated", _("Activity changed")
    ACTIVITY_DONE = "activity_done", _("Activity done")
    ACTIVITY_REOPENED = "activity_reopened", _("Activity reopened")
    ACTIVITY_DELETED = "activity_deleted", _("Activity deleted")


class ActorType(models.TextChoices):
    USER = "user", _("User")
    CONTACT = "contact", _("Contact")
    RULE = "rule", _("Rule")
    SYSTEM = "system", _("System")


class TicketEvent(models.Model):
    """One entry of a ticket's audit trail: who changed what, from, to, when.

    ``old`` and ``new`` hold display values as they were at the time (a stage
    renamed later does not rewrite history); ``data`` keeps the ids.
    """

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor_type = models.CharField(
        _("actor type"), max_length=20, choices=ActorType.choices
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    field = models.CharField(_("field"), max_length=50, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} {self.field}"


class Satisfaction(TimestampedModel):
    """The customer's rating of how their ticket was handled (CSAT).

    One per ticket: answering the survey again replaces the rating, and the
    trail keeps every answer.
    """

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="satisfaction",
    )
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5),
                name="satisfaction_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.score}/5"
