from django.contrib import admin

from ventanilla.agenda.models import Activity
from ventanilla.core.admin import ReadOnlyAdmin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "owner", "ticket", "due_at", "done_at"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner", "ticket"]
    search_fields = ["title", "ticket__number"]
    date_hierarchy = "due_at"
    raw_id_fields = ["ticket", "contact"]
