from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

INDEX_MIGRATION = ("search", "0001_ticket_search_index")


def _lift_sqlite_triggers(
    using: str = "default", plan: Any = None, **kwargs: Any
) -> None:
    """Before migrations run on SQLite, drop the index's triggers.

    SQLite rebuilds a table to alter it (create, copy, drop, rename), and
    the rename fails while a trigger elsewhere names the dropped table;
    ``_restore_index`` puts them back and rebuilds the index afterwards.
    """
    from ventanilla.search import schema

    connection = connections[using]
    if connection.vendor == "sqlite" and plan:
        schema.drop_triggers(connection)


def _restore_index(using: str = "default", **kwargs: Any) -> None:
    """Put back triggers dropped before or by a migration (see
    ``search.schema``), rebuilding the index if any were missing."""
    from django.db.migrations.recorder import MigrationRecorder

    from ventanilla.search import schema

    connection = connections[using]
    if INDEX_MIGRATION in MigrationRecorder(connection).applied_migrations():
        schema.ensure_installed(connection)


class SearchConfig(AppConfig):
    name = "ventanilla.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        pre_migrate.connect(_lift_sqlite_triggers, sender=self)
        post_migrate.connect(_restore_index, sender=self)
