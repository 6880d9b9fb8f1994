"""Writing many rows with one statement per call, below the ORM's cost.

``QuerySet.bulk_update`` builds a ``CASE WHEN`` expression per field and
row: for the 50 rows of a mail batch, compiling it cost more than all the
inserts of the batch together. ``update_rows`` sends one parameterised
``UPDATE ... WHERE id = %s`` for all the rows at once (``executemany``),
with each value prepared by its field as the ORM would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model


def update_rows(rows: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of ``rows`` (instances of one model, with ids)."""
    if not rows:
        return
    meta = type(rows[0])._meta
    model_fields: list[Field[Any, Any]] = []
    for name in fields:
        found = meta.get_field(name)
        assert isinstance(found, Field)  # noqa: S101 - a column of the model
        model_fields.append(found)
    assert meta.pk is not None  # noqa: S101 - every model has one
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - model names
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in model_fields]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
