"""Administrators subscribe URLs to events and read every attempt."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ventanilla.webhooks.models import Delivery, Subscription, WebhookEvent


class SubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "events", "is_active", "secret"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SubscriptionForm
    list_display = ["name", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    def save_model(
        self, request: HttpRequest, obj: Subscription, form: Any, change: bool
    ) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "created_at",
        "event",
        "subscription",
        "attempt",
        "status",
        "response_status",
        "duration_ms",
        "next_attempt_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["event_id", "subscription__name", "error"]
    list_select_related = ["subscription"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Delivery | None = None
    ) -> bool:
        return False
