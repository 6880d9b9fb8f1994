from django.contrib import admin

from ventanilla.notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["ticket", "kind", "recipient", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient", "ticket__number"]
    readonly_fields = [f.name for f in Notice._meta.fields]
