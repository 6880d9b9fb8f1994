"""Configuration kept in each process while it does not change.

Every desk page and API call reads the same small tables (stages with their
pipelines, types, priorities, reasons, teams, tags, agents). Reading them
costs six queries and a few hundred model instances per request, a fifth of
a queue page (``bench/RESULTS.md``). Instead each process keeps them, built
once, for as long as the configuration stamp holds.

The stamp is one row (``ConfigurationStamp``). A save or delete of any
watched model, or a change of an agent's teams, sets it to a new random
value in the same transaction as the change, so:

- a process that reads the stamp sees the tables as of that stamp or later
  (it reads the stamp first, then the tables), and builds again once the
  stamp moves;
- a rolled-back change rolls the stamp back with it (random, not a counter:
  a later, different change never reuses a number a process may have kept).

Bulk writes (``bulk_create``, ``QuerySet.update``) send no signals: code
that changes watched tables that way calls ``renew_stamp`` itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

from ventanilla.core.models import ConfigurationStamp

T = TypeVar("T")

WATCHED = (
    "pipelines.Pipeline",
    "pipelines.Stage",
    "pipelines.TicketType",
    "pipelines.Reason",
    "pipelines.Priority",
    "directory.Team",
    "directory.Agent",
    "routing.Tag",
    "auth.User",
    "webhooks.Subscription",
)

# Saves that change nothing the kept configuration shows (signing in).
_QUIET_UPDATES = frozenset({"last_login"})


@dataclass
class _Reads:
    """The stamps the current request read, by database, until it changes
    the configuration itself: from then on (the change may yet be rolled
    back) every read asks the database."""

    stamps: dict[str, int | None] = field(default_factory=dict)
    changed: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("stamp_reads", default=None)


def current_stamp() -> int | None:
    """The stamp now, or None when there is no stamp row (a flushed test
    database): then nothing is kept. Inside a request, the stamp it read
    first (one query however many kept values it uses)."""
    reads = _reads.get()
    if reads is not None and reads.changed:
        reads = None
    database = connection.settings_dict["NAME"]
    if reads is not None and database in reads.stamps:
        return reads.stamps[database]
    # A plain statement: every request reads it, and compiling the same
    # read through the ORM costs four times its run (0.39 against 0.10 ms
    # of CPU, bench/RESULTS.md).
    table = connection.ops.quote_name(ConfigurationStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    stamp = int(row[0]) if row else None
    if reads is not None:
        reads.stamps[database] = stamp
    return stamp


class StampPerRequest:
    """Middleware: a request reads the configuration stamp once. A request
    sees the kept configuration as of its first read (or later), as if it
    had read every kept value then."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads.set(_Reads())
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)


def renew_stamp() -> None:
    """Give the configuration a new stamp, in the current transaction (a
    request that changes the configuration reads the stamp anew from then
    on, rolled back or not)."""
    reads = _reads.get()
    if reads is not None:
        reads.changed = True
    stamp = secrets.randbits(62)
    if not ConfigurationStamp.objects.filter(pk=1).update(stamp=stamp):
        ConfigurationStamp.objects.get_or_create(pk=1, defaults={"stamp": stamp})


def _on_change(sender: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and fields <= _QUIET_UPDATES:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if sender is apps.get_model("auth.User") and not _is_agent(kwargs["instance"]):
        return  # a customer's account: nothing kept shows it
    renew_stamp()


def _is_agent(user: Any) -> bool:
    """Whether ``user`` is staff that the kept configuration lists. A user
    who becomes an agent renews the stamp with the Agent row; one deleted
    with theirs, with its delete."""
    Agent = apps.get_model("directory.Agent")
    return bool(Agent.objects.filter(user_id=user.pk).exists())


def connect_signals() -> None:
    """Watch the configuration tables (called once, from ``CoreConfig.ready``)."""
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"stamp-save-{label}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"stamp-delete-{label}"
        )
    teams = apps.get_model("directory.Agent")._meta.get_field("teams")
    m2m_changed.connect(
        _on_change,
        sender=teams.remote_field.through,
        dispatch_uid="stamp-agent-teams",
    )


class Kept(Generic[T]):
    """A value built from the configuration tables, kept by this process
    while the stamp holds. The value is shared by every request (and
    thread), so it must be treated as read-only; two threads that find the
    stamp moved may both build it, and either result is right."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._kept: tuple[str, int, T] | None = None

    def get(self) -> T:
        stamp = current_stamp()
        database = connection.settings_dict["NAME"]
        kept = self._kept  # one read: another thread may replace it
        if stamp is not None and kept is not None and kept[:2] == (database, stamp):
            return kept[2]
        value = self._build()
        if stamp is not None:
            self._kept = (database, stamp, value)
        return value
