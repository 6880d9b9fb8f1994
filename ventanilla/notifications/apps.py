from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ventanilla.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from ventanilla.notifications.receivers import on_ticket_event
        from ventanilla.tickets.models import TicketEvent

        post_save.connect(
            on_ticket_event,
            sender=TicketEvent,
            dispatch_uid="notifications.on_ticket_event",
        )
