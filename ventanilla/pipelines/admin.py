"""Pipelines, stages, types, reasons and priorities are configured in the
admin; every save goes through ``pipelines.actions`` so the admin keeps the
same rules as the rest of the product (e.g. a pipeline always has a stage of
each lifecycle kind, a stage holding tickets is not removed)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from ventanilla.core.admin import ConfigAdmin
from ventanilla.core.errors import ActionRefused
from ventanilla.pipelines import actions
from ventanilla.pipelines.models import (
    Pipeline,
    Priority,
    Reason,
    Stage,
    StageKind,
    TicketType,
)


class StageForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Stage
        fields = ["position", "name", "kind"]

    def validate_unique(self) -> None:
        """Positions and names are checked across the whole set of stages by
        ``actions.check_stages``: a swap of two positions is legitimate."""


class StageFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[actions.StageRow]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (form.instance.pk is None and not form.has_changed()):
                continue
            rows.append(
                actions.StageRow(
                    name=data["name"],
                    kind=data["kind"],
                    position=data["position"],
                    stage=form.instance if form.instance.pk else None,
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        try:
            actions.check_stages(self.rows())
        except ActionRefused as refused:
            raise forms.ValidationError(str(refused)) from refused


class StageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Stage
    form = StageForm
    formset = StageFormSet
    extra = 1
    ordering = ["position"]


class TicketTypeInline(admin.TabularInline):  # type: ignore[type-arg]
    """The pipeline's types at a glance; each is edited on its own page."""

    model = TicketType
    fields = ("name", "description")
    readonly_fields = ("name", "description")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Pipeline)
class PipelineAdmin(ConfigAdmin):
    list_display = ["name", "team", "is_triage", "position"]
    list_select_related = ["team"]
    fields = ["name", "slug", "team", "is_triage", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StageInline, TicketTypeInline]

    def save_model(
        self, request: HttpRequest, obj: Pipeline, form: Any, change: bool
    ) -> None:
        # A new pipeline is created with its stages, in save_formset.
        if change:
            actions.update_pipeline(obj, **form.cleaned_data)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        if not isinstance(formset, StageFormSet):
            return
        rows = formset.rows()
        if change:
            actions.set_stages(form.instance, rows)
            return
        kept = sorted((row for row in rows if not row.delete), key=lambda r: r.position)
        created = actions.create_pipeline(
            **form.cleaned_data,
            stages=[(row.name, StageKind(row.kind)) for row in kept],
        )
        form.instance.pk = created.pk


class TicketTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TicketType
        fields = [
            "pipeline",
            "name",
            "description",
            "default_owners",
            "playbook",
            "guide_url",
            "position",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = cast(
            "forms.ModelMultipleChoiceField[User]", self.fields["default_owners"]
        )
        owners.queryset = User.objects.filter(
            agent__isnull=False, is_active=True
        ).order_by("first_name", "last_name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pipeline = cleaned.get("pipeline")
        if self.instance.pk and pipeline is not None:
            try:
                actions.check_type_move(self.instance, pipeline)
            except ActionRefused as refused:
                self.add_error("pipeline", str(refused))
        return cleaned


@admin.register(TicketType)
class TicketTypeAdmin(ConfigAdmin):
    form = TicketTypeForm
    list_display = ["name", "pipeline", "description"]
    list_filter = ["pipeline"]
    list_select_related = ["pipeline"]
    filter_horizontal = ["default_owners"]

    def save_model(
        self, request: HttpRequest, obj: TicketType, form: Any, change: bool
    ) -> None:
        data = dict(form.cleaned_data)
        if change:
            actions.update_ticket_type(obj, **data)
        else:
            obj.pk = actions.create_ticket_type(**data).pk

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        """The default owners were saved by the action."""


@admin.register(Reason)
class ReasonAdmin(ConfigAdmin):
    list_display = ["name", "position"]
    fields = ["name", "position"]

    def save_model(
        self, request: HttpRequest, obj: Reason, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            actions.update_reason(obj, **data)
        else:
            obj.pk = actions.create_reason(**data).pk


@admin.register(Priority)
class PriorityAdmin(ConfigAdmin):
    list_display = ["name", "rank", "color"]
    fields = ["name", "rank", "color"]

    def save_model(
        self, request: HttpRequest, obj: Priority, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            actions.update_priority(obj, **data)
        else:
            obj.pk = actions.create_priority(**data).pk
