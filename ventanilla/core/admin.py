"""Admin building blocks.

Domain rows (tickets, messages, the audit trail) are written only through
actions, so the admin shows them read-only; they are edited in the desk.
Configuration (pipelines, teams, mailboxes...) is edited in the admin, and
each ``ConfigAdmin`` saves through its app's actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConfigAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Editable configuration: subclasses save in ``save_model`` through the
    app's actions. Deleting stays Django's: a row that tickets still point
    at is protected and the admin lists what holds it."""

    save_on_top = True
