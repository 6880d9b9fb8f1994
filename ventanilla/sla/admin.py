"""Calendars and policies are edited in the admin through sla.actions; the
computed rows are read-only."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ventanilla.core.admin import ReadOnlyAdmin
from ventanilla.core.errors import ActionRefused
from ventanilla.sla import actions
from ventanilla.sla.models import BusinessCalendar, ClockSegment, SlaPolicy, TicketSla


class _JSONText(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 9, "cols": 70})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return json.loads(text or "null")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s"), params={"error": exc}
            ) from exc


class CalendarForm(forms.ModelForm):  # type: ignore[type-arg]
    weekly_hours = _JSONText(
        label=_("weekly hours"),
        help_text=_('{"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...}'),
    )
    extra_holidays = _JSONText(
        label=_("other closing days"),
        required=False,
        help_text=_('["2025-12-24", "2025-12-31"]'),
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "country", "subdivision", "is_default"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["weekly_hours"] = self.instance.weekly_hours or (
            BusinessCalendar._meta.get_field("weekly_hours").get_default()
        )
        self.initial["extra_holidays"] = self.instance.extra_holidays or []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            actions.validate_calendar(
                time_zone=cleaned.get("time_zone", ""),
                weekly_hours=cleaned.get("weekly_hours"),
                country=cleaned.get("country", ""),
                subdivision=cleaned.get("subdivision", ""),
                extra_holidays=cleaned.get("extra_holidays") or [],
            )
        except ActionRefused as refused:
            for message in (refused.params or {}).get("errors", [str(refused)]):
                self.add_error(None, str(message))
        return cleaned


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CalendarForm
    list_display = ["name", "time_zone", "country", "is_default"]
    fields = [
        "name",
        "time_zone",
        "weekly_hours",
        "country",
        "subdivision",
        "extra_holidays",
        "is_default",
    ]

    def save_model(
        self, request: HttpRequest, obj: BusinessCalendar, form: Any, change: bool
    ) -> None:
        data = dict(form.cleaned_data)
        data["extra_holidays"] = data.get("extra_holidays") or []
        saved = (
            actions.update_calendar(obj, **data)
            if change
            else actions.create_calendar(**data)
        )
        obj.pk = saved.pk

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"time_zone": "America/Lima", "country": "PE"}


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "pipeline",
            "priority",
            "calendar",
            "first_response_minutes",
            "resolution_minutes",
            "warning_percent",
            "enabled",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("first_response_minutes") is None
            and cleaned.get("resolution_minutes") is None
        ):
            raise forms.ValidationError(
                _("A policy needs a first-response or a resolution target.")
            )
        return cleaned


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PolicyForm
    list_display = [
        "name",
        "pipeline",
        "priority",
        "first_response_minutes",
        "resolution_minutes",
        "warning_percent",
        "enabled",
    ]
    list_filter = ["pipeline", "priority", "enabled"]
    list_select_related = ["pipeline", "priority"]

    def save_model(
        self, request: HttpRequest, obj: SlaPolicy, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        saved = (
            actions.update_policy(obj, **data)
            if change
            else actions.create_policy(**data)
        )
        obj.pk = saved.pk


@admin.register(TicketSla)
class TicketSlaAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "running_side",
        "first_response_state",
        "first_response_due_at",
        "resolution_state",
        "resolution_due_at",
        "ours_seconds",
        "customer_seconds",
        "third_party_seconds",
    ]
    list_filter = ["resolution_state", "first_response_state", "running_side"]
    list_select_related = ["ticket"]


@admin.register(ClockSegment)
class ClockSegmentAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "side", "start", "end", "business_seconds"]
    list_filter = ["side"]
    list_select_related = ["ticket"]
