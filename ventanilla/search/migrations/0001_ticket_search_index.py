"""The full-text index of tickets: a two-vector table with GIN indexes on
PostgreSQL, an FTS5 table on SQLite, each kept by triggers (see
``ventanilla.search.schema``). Builds the documents of existing tickets."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from ventanilla.search import schema


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.install(schema_editor.connection)
    schema.rebuild(schema_editor.connection)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("directory", "0001_initial"),
        ("tickets", "0005_attachment_content_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
                (
                    "spanish",
                    django.contrib.postgres.search.SearchVectorField(
                        verbose_name="Spanish-stemmed vector"
                    ),
                ),
                (
                    "simple",
                    django.contrib.postgres.search.SearchVectorField(
                        verbose_name="unaccented vector"
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "db_table": "search_ticketdocument",
                "managed": False,
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
