from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebformConfig(AppConfig):
    name = "ventanilla.channels.webform"
    label = "webform"
    verbose_name = _("Web forms")
