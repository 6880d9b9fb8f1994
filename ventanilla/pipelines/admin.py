from django.contrib import admin

from ventanilla.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ventanilla.pipelines.models import Pipeline, Priority, Reason, Stage, TicketType


class StageInline(ReadOnlyInline):
    model = Stage
    fields = ["position", "name", "kind"]


class TicketTypeInline(ReadOnlyInline):
    model = TicketType
    fields = ["name", "description", "playbook", "guide_url"]


@admin.register(Pipeline)
class PipelineAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "is_triage", "position"]
    list_select_related = ["team"]
    inlines = [StageInline, TicketTypeInline]


@admin.register(TicketType)
class TicketTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "pipeline", "description"]
    list_filter = ["pipeline"]
    list_select_related = ["pipeline"]


@admin.register(Reason)
class ReasonAdmin(ReadOnlyAdmin):
    list_display = ["name", "position"]


@admin.register(Priority)
class PriorityAdmin(ReadOnlyAdmin):
    list_display = ["name", "rank", "color"]
