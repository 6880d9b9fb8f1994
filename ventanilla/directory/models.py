"""People and organisations: staff (agents, teams, roles) and customers
(companies, contacts, customer users)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Agent")


class Team(TimestampedModel):
    """An area of the organisation that handles tickets (Finanzas, Cobranzas...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    email = models.EmailField(_("email"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Agent(TimestampedModel):
    """A member of staff who works tickets; one per Django user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.AGENT
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), blank=True, related_name="agents"
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class CompanyKind(models.TextChoices):
    CLIENT = "client", _("Factoring client")
    INVESTOR = "investor", _("Investor")
    DEBTOR = "debtor", _("Debtor")
    SUPPLIER = "supplier", _("Supplier")
    AUTHORITY = "authority", _("Authority")
    INTERNAL = "internal", _("Own organisation")


class PortalVisibility(models.TextChoices):
    OWN = "own", _("Own tickets (requester or CC)")
    COMPANY = "company", _("All tickets of the company")


class Company(TimestampedModel):
    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax id (RUC)"), max_length=20, blank=True)
    domain = models.CharField(
        _("email domain"), max_length=100, blank=True, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CompanyKind.choices)
    is_institutional_investor = models.BooleanField(
        _("institutional investor"), default=False
    )
    portal_visibility = models.CharField(
        _("portal: plain users see"),
        max_length=20,
        choices=PortalVisibility.choices,
        default=PortalVisibility.OWN,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="company_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimestampedModel):
    """A person who writes to us, with or without a portal account."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact owner"),
        help_text=_("The staff member who follows this customer (funcionario)."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_contacts",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_email_unique_ci",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class CustomerUser(TimestampedModel):
    """A portal account: a Django user linked to one contact."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer"
    )
    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="customer_user",
    )
    is_company_admin = models.BooleanField(
        _("company admin"),
        default=False,
        help_text=_("Company admins may open tickets in the portal."),
    )

    class Meta:
        ordering = ["contact__name"]
        verbose_name = _("customer user")
        verbose_name_plural = _("customer users")

    def __str__(self) -> str:
        return str(self.contact)
