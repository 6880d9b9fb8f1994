import datetime
from typing import Any

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import IsNull

NO_SLA_DUE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
PENDING = ("running", "warning", "breached")


def lift_search_triggers(apps: Any, schema_editor: Any) -> None:
    """SQLite rebuilds the ticket table to add a column; the search index's
    triggers name it and would make the rebuild fail (see 0007)."""
    if schema_editor.connection.vendor == "sqlite":
        from ventanilla.search import schema

        schema.drop_triggers(schema_editor.connection)


def backfill(apps: Any, schema_editor: Any) -> None:
    """The earliest warning time of each ticket's pending SLA targets,
    exactly as ``sla.actions._write_due_times`` writes it, in one UPDATE
    before the index is built. Tickets without a running SLA keep the
    sentinel."""
    Ticket = apps.get_model("tickets", "Ticket")
    TicketSla = apps.get_model("sla", "TicketSla")
    first_warn, resolution_warn = (
        Case(
            When(
                Q(
                    IsNull(OuterRef(done), True),
                    **{f"{target}_state__in": PENDING},
                    **{f"{target}_due_at__isnull": False},
                ),
                then=Coalesce(F(f"{target}_warn_at"), F(f"{target}_due_at")),
            ),
            default=Value(NO_SLA_DUE),
        )
        for target, done in (
            ("first_response", "first_response_at"),
            ("resolution", "resolved_at"),
        )
    )
    running = TicketSla.objects.filter(is_active=True)
    row = running.filter(ticket=OuterRef("pk"))
    Ticket.objects.filter(pk__in=running.values("ticket_id")).update(
        sla_warn_at=Coalesce(
            Subquery(row.values_list(Least(first_warn, resolution_warn))[:1]),
            Value(NO_SLA_DUE),
        )
    )
    if schema_editor.connection.vendor == "postgresql":
        # PostgreSQL builds no index on a table with pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_calendars_policies_clocks"),
        ("tickets", "0007_queue_order_columns"),
    ]

    operations = [
        migrations.RunPython(
            lift_search_triggers, migrations.RunPython.noop, elidable=True
        ),
        migrations.AddField(
            model_name="ticket",
            name="sla_warn_at",
            field=models.DateTimeField(
                default=datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.UTC),
                editable=False,
                verbose_name="next SLA warning time",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["sla_warn_at"], name="ticket_sla_warn_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["sla_due_at"], name="ticket_sla_due_idx"),
        ),
    ]
