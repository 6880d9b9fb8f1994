from django.contrib import admin

from ventanilla.channels.mail.models import Mailbox
from ventanilla.core.admin import ReadOnlyAdmin


@admin.register(Mailbox)
class MailboxAdmin(ReadOnlyAdmin):
    list_display = ["address", "name", "pipeline", "is_connected"]
    list_select_related = ["pipeline"]
