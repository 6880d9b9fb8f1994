from django.contrib import admin

from ventanilla.channels.webform.models import WebForm


@admin.register(WebForm)
class WebFormAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "key", "pipeline", "is_active"]
    list_filter = ["is_active", "pipeline"]
    search_fields = ["name", "key"]
