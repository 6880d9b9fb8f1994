from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ConfigurationStamp(models.Model):
    """One row whose ``stamp`` changes, in the same transaction, with every
    change to the configuration tables (``core.configuration``)."""

    stamp = models.BigIntegerField(_("stamp"))

    class Meta:
        verbose_name = _("configuration stamp")

    def __str__(self) -> str:
        return f"{self.stamp:x}"
