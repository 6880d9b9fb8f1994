"""Embeddable request forms (R-CAP-8): a website shows one in an iframe and
its visitors' requests become tickets."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ventanilla.core.models import TimestampedModel
from ventanilla.pipelines.models import Pipeline


def new_key() -> str:
    return secrets.token_urlsafe(12)


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, or "" if it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        return ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def validate_origins(value: str) -> None:
    for line in value.splitlines():
        if line.strip() and not normalise_origin(line):
            raise ValidationError(
                _("“%(origin)s” is not an origin like https://www.example.com."),
                params={"origin": line.strip()},
            )


class WebForm(TimestampedModel):
    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(
        _("public key"),
        max_length=40,
        unique=True,
        default=new_key,
        help_text=_("Part of the form's address; not a secret."),
    )
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.PROTECT,
        related_name="web_forms",
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One per line, e.g. https://www.example.com: the sites that may "
            "embed the form and send it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")

    def __str__(self) -> str:
        return self.name

    @property
    def origins(self) -> list[str]:
        found = (normalise_origin(line) for line in self.allowed_origins.splitlines())
        return [origin for origin in found if origin]
