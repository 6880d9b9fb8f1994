from django.contrib import admin

from ventanilla.core.admin import ReadOnlyAdmin
from ventanilla.jobs.models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "slot", "claimed_by", "claimed_at", "finished_at", "error"]
    list_filter = ["job"]
