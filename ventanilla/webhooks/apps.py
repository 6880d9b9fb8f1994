from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "ventanilla.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from ventanilla.tickets.models import TicketEvent
        from ventanilla.webhooks.receivers import on_ticket_event

        post_save.connect(
            on_ticket_event, sender=TicketEvent, dispatch_uid="webhooks.ticket_event"
        )
