"""Writing many rows with one statement per call, below the ORM's cost.

``QuerySet.bulk_update`` builds a ``CASE WHEN`` expression per field and
row: for the 50 rows of a mail batch, compiling it cost more than all the
inserts of the batch together. ``update_rows`` sends one parameterised
``UPDATE ... WHERE id = %s`` for all the rows at once (``executemany``),
with each value prepared by its field as the ORM would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


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


def columns(model: type[Model], alias: str) -> str:
    """The SELECT list of ``model``'s columns from the table aliased
    ``alias``, in the order ``from_row`` takes them."""
    quote = connection.ops.quote_name
    return ", ".join(
        f"{quote(alias)}.{quote(field.column)}" for field in model._meta.concrete_fields
    )


def width(model: type[Model]) -> int:
    """How many values of a row ``columns(model, ...)`` reads."""
    return len(model._meta.concrete_fields)


def read_one(
    sql: str, params: Sequence[Any], models: Sequence[type[Model]]
) -> list[Any] | None:
    """The first row of ``sql``, whose SELECT list is the ``columns`` of
    each of ``models`` in turn, as an instance of each (None for a model
    whose primary key is NULL: an unmatched LEFT JOIN); None without rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    found: list[Any] = []
    start = 0
    for model in models:
        values = row[start : start + width(model)]
        start += width(model)
        found.append(None if values[_pk_at(model)] is None else from_row(model, values))
    return found


def from_row(model: type[M], values: Sequence[Any]) -> M:
    """The instance of ``model`` whose ``columns`` are ``values``."""
    names, converters = _loading(model, connection.vendor)
    converted = list(values)
    for index, convert in converters:
        converted[index] = convert(converted[index])
    return model.from_db(connection.alias, names, converted)


@cache
def _pk_at(model: type[Model]) -> int:
    """Where the primary key stands among ``columns(model, ...)``."""
    return list(model._meta.concrete_fields).index(model._meta.pk)


@cache
def _loading(
    model: type[Model], vendor: str
) -> tuple[list[str], list[tuple[int, Callable[[Any], Any]]]]:
    """The attribute names of ``model``'s columns and, for those whose
    values the backend or the field converts on the way in (a time zone on
    SQLite, a decimal...), the conversion. ``vendor`` keys the cache."""
    names: list[str] = []
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for index, field in enumerate(model._meta.concrete_fields):
        names.append(field.attname)
        column = field.get_col(model._meta.db_table)
        # As the ORM's compiler: the backend's conversions, then the field's.
        steps = connection.ops.get_db_converters(column)
        steps += column.get_db_converters(connection)
        if steps:
            converters.append((index, _chain(steps, column)))
    return names, converters


def _chain(steps: Sequence[Callable[..., Any]], column: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


def insert_row(instance: Model) -> None:
    """Save the new ``instance`` as ``instance.save()`` would, by a
    statement written once per model. Sends no save signals: for models
    nobody listens to (tickets, messages, audit entries)."""
    model = type(instance)
    meta = model._meta
    assert meta.pk is not None and instance.pk is None  # noqa: S101 - a new row
    _take_related_ids(instance)
    sql, fields = _insert_statement(model, connection.vendor)
    values = [
        f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    setattr(instance, meta.pk.attname, row[0])
    instance._state.adding = False
    instance._state.db = connection.alias


def _take_related_ids(instance: Model) -> None:
    """As ``save()``: a related object set on ``instance`` must be saved, and
    its id is the foreign key's value."""
    for field in instance._meta.concrete_fields:
        if not field.is_relation or not field.is_cached(instance):  # type: ignore[attr-defined]
            continue
        related = field.get_cached_value(instance)  # type: ignore[attr-defined]
        if related is None:
            continue
        if related.pk is None:
            raise ValueError(
                f"save() prohibited to prevent data loss due to unsaved "
                f"related object '{field.name}'."
            )
        if getattr(instance, field.attname) is None:
            setattr(instance, field.attname, related.pk)


@cache
def _insert_statement(
    model: type[Model], vendor: str
) -> tuple[str, list[Field[Any, Any]]]:
    meta = model._meta
    assert meta.pk is not None  # noqa: S101 - every model has one
    fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks}) "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields
