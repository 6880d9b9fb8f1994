"""The search index's tables and triggers, per database vendor.

The index is kept by the database itself: triggers on tickets, messages
and contacts rebuild a ticket's document in the same transaction as the
write. Why triggers rather than ``on_commit`` hooks in the actions:

1. Every write path keeps it current (ticket actions, a merge that moves
   messages with one ``UPDATE``, the admin, bulk loads), and nobody has to
   remember to call a hook.
2. The document is never ahead of or behind the committed data: a rolled
   back action rolls back its index change.
3. Search stays out of the ticket actions; no signals between apps.

A ticket's document is its number, subject, requester name and email and
the bodies of all its messages, public replies and internal notes alike:
only agents search.

SQLite alters a table by rebuilding it (create, copy, drop, rename): the
drop takes the table's own triggers with it, and the rename fails while a
trigger on another table names the dropped one. So on SQLite the triggers
are dropped before ``migrate`` applies anything (``pre_migrate``), and
after every ``migrate`` (``post_migrate``) ``ensure_installed`` recreates
what is missing and then rebuilds the index (seconds for a SQLite-sized
desk).
"""

# Every statement here is built from module constants, never from input.
# ruff: noqa: S608

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Bodies beyond this many characters are left out of the document (a
# tsvector holds at most 1 MB; a pasted log is not what agents look for).
MAX_BODY_CHARS = 200_000

# -- PostgreSQL --------------------------------------------------------------

PG_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is STABLE (it reads a dictionary by search_path); this
    # wrapper names the dictionary so the index expression is immutable.
    """
    CREATE OR REPLACE FUNCTION search_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
    $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE TABLE IF NOT EXISTS search_ticketdocument (
        ticket_id bigint PRIMARY KEY,
        spanish tsvector NOT NULL,
        simple tsvector NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_doc_spanish_gin "
    "ON search_ticketdocument USING gin (spanish)",
    "CREATE INDEX IF NOT EXISTS search_doc_simple_gin "
    "ON search_ticketdocument USING gin (simple)",
    # 1. Gather the parts; 2. weight them (subject A, number and requester
    # B, bodies D); 3. upsert, or delete when the ticket is gone.
    f"""
    CREATE OR REPLACE FUNCTION search_refresh_ticket(tid bigint)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        subj text; head text; body text;
    BEGIN
        SELECT t.subject,
               concat_ws(' ', t.number::text, c.name, c.email,
                         translate(coalesce(c.email, ''), '@.', '  ')),
               left(coalesce((SELECT string_agg(m.body_text, ' ' ORDER BY m.id)
                              FROM tickets_message m WHERE m.ticket_id = t.id),
                             ''), {MAX_BODY_CHARS})
          INTO subj, head, body
          FROM tickets_ticket t
          LEFT JOIN directory_contact c ON c.id = t.requester_id
         WHERE t.id = tid;
        IF NOT FOUND THEN
            DELETE FROM search_ticketdocument WHERE ticket_id = tid;
            RETURN;
        END IF;
        INSERT INTO search_ticketdocument (ticket_id, spanish, simple)
        VALUES (
            tid,
            setweight(to_tsvector('spanish', subj), 'A')
              || setweight(to_tsvector('spanish', head), 'B')
              || to_tsvector('spanish', body),
            setweight(to_tsvector('simple', search_unaccent(subj)), 'A')
              || setweight(to_tsvector('simple', search_unaccent(head)), 'B')
              || to_tsvector('simple', search_unaccent(body))
        )
        ON CONFLICT (ticket_id) DO UPDATE
            SET spanish = EXCLUDED.spanish, simple = EXCLUDED.simple;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_ticket_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM search_ticketdocument WHERE ticket_id = OLD.id;
            RETURN NULL;
        END IF;
        PERFORM search_refresh_ticket(NEW.id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_message_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM search_refresh_ticket(OLD.ticket_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE')
           AND (TG_OP = 'INSERT' OR NEW.ticket_id <> OLD.ticket_id) THEN
            PERFORM search_refresh_ticket(NEW.ticket_id);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_contact_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_refresh_ticket(t.id)
           FROM tickets_ticket t WHERE t.requester_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS search_ticket_changed ON tickets_ticket",
    """
    CREATE TRIGGER search_ticket_changed
    AFTER INSERT OR DELETE OR UPDATE OF subject, number, requester_id
    ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION search_ticket_changed()
    """,
    "DROP TRIGGER IF EXISTS search_message_changed ON tickets_message",
    """
    CREATE TRIGGER search_message_changed
    AFTER INSERT OR DELETE OR UPDATE OF body_text, ticket_id
    ON tickets_message FOR EACH ROW EXECUTE FUNCTION search_message_changed()
    """,
    "DROP TRIGGER IF EXISTS search_contact_changed ON directory_contact",
    """
    CREATE TRIGGER search_contact_changed
    AFTER UPDATE OF name, email
    ON directory_contact FOR EACH ROW EXECUTE FUNCTION search_contact_changed()
    """,
]

PG_TRIGGERS = {
    "search_ticket_changed": "tickets_ticket",
    "search_message_changed": "tickets_message",
    "search_contact_changed": "directory_contact",
}

PG_UNINSTALL = [
    *(
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in PG_TRIGGERS.items()
    ),
    "DROP FUNCTION IF EXISTS search_ticket_changed()",
    "DROP FUNCTION IF EXISTS search_message_changed()",
    "DROP FUNCTION IF EXISTS search_contact_changed()",
    "DROP FUNCTION IF EXISTS search_refresh_ticket(bigint)",
    "DROP TABLE IF EXISTS search_ticketdocument",
    "DROP FUNCTION IF EXISTS search_unaccent(text)",
]

# Every ticket's document at once, for a rebuild or after a bulk load.
PG_REBUILD = [
    "TRUNCATE search_ticketdocument",
    f"""
    INSERT INTO search_ticketdocument (ticket_id, spanish, simple)
    SELECT d.id,
           setweight(to_tsvector('spanish', d.subj), 'A')
             || setweight(to_tsvector('spanish', d.head), 'B')
             || to_tsvector('spanish', d.body),
           setweight(to_tsvector('simple', search_unaccent(d.subj)), 'A')
             || setweight(to_tsvector('simple', search_unaccent(d.head)), 'B')
             || to_tsvector('simple', search_unaccent(d.body))
    FROM (
        SELECT t.id, t.subject AS subj,
               concat_ws(' ', t.number::text, c.name, c.email,
                         translate(coalesce(c.email, ''), '@.', '  ')) AS head,
               left(coalesce(b.body, ''), {MAX_BODY_CHARS}) AS body
          FROM tickets_ticket t
          LEFT JOIN directory_contact c ON c.id = t.requester_id
          LEFT JOIN (SELECT ticket_id, string_agg(body_text, ' ' ORDER BY id) AS body
                       FROM tickets_message GROUP BY ticket_id) b
                 ON b.ticket_id = t.id
    ) d
    """,
]

# -- SQLite ------------------------------------------------------------------

# FTS5 with diacritics folded; rowid is the ticket id. Columns: subject,
# head (number, requester name and email), body (all message bodies).
SQLITE_TABLE = "search_ticket_fts"


def _sqlite_refresh(tid: str) -> str:
    return f"""
        DELETE FROM {SQLITE_TABLE} WHERE rowid = {tid};
        INSERT INTO {SQLITE_TABLE} (rowid, subject, head, body)
        SELECT t.id, t.subject,
               t.number || ' ' || coalesce(c.name, '') || ' '
                 || coalesce(c.email, '') || ' '
                 || replace(replace(coalesce(c.email, ''), '@', ' '), '.', ' '),
               substr(coalesce((SELECT group_concat(m.body_text, ' ')
                                FROM tickets_message m
                                WHERE m.ticket_id = t.id), ''),
                      1, {MAX_BODY_CHARS})
          FROM tickets_ticket t
          LEFT JOIN directory_contact c ON c.id = t.requester_id
         WHERE t.id = {tid};
    """


SQLITE_TRIGGERS: dict[str, str] = {
    "search_ticket_ai": f"""
        AFTER INSERT ON tickets_ticket BEGIN {_sqlite_refresh("NEW.id")} END""",
    "search_ticket_au": f"""
        AFTER UPDATE OF subject, number, requester_id ON tickets_ticket
        BEGIN {_sqlite_refresh("NEW.id")} END""",
    "search_ticket_ad": f"""
        AFTER DELETE ON tickets_ticket
        BEGIN DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id; END""",
    "search_message_ai": f"""
        AFTER INSERT ON tickets_message
        BEGIN {_sqlite_refresh("NEW.ticket_id")} END""",
    "search_message_au": f"""
        AFTER UPDATE OF body_text, ticket_id ON tickets_message BEGIN
        {_sqlite_refresh("OLD.ticket_id")} {_sqlite_refresh("NEW.ticket_id")} END""",
    "search_message_ad": f"""
        AFTER DELETE ON tickets_message
        BEGIN {_sqlite_refresh("OLD.ticket_id")} END""",
    "search_contact_au": f"""
        AFTER UPDATE OF name, email ON directory_contact BEGIN
        DELETE FROM {SQLITE_TABLE} WHERE rowid IN
            (SELECT id FROM tickets_ticket WHERE requester_id = NEW.id);
        INSERT INTO {SQLITE_TABLE} (rowid, subject, head, body)
        SELECT t.id, t.subject,
               t.number || ' ' || NEW.name || ' ' || NEW.email || ' '
                 || replace(replace(NEW.email, '@', ' '), '.', ' '),
               substr(coalesce((SELECT group_concat(m.body_text, ' ')
                                FROM tickets_message m
                                WHERE m.ticket_id = t.id), ''),
                      1, {MAX_BODY_CHARS})
          FROM tickets_ticket t WHERE t.requester_id = NEW.id;
        END""",
}

SQLITE_INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(
        subject, head, body, tokenize='unicode61 remove_diacritics 2')""",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {name} {body}"
        for name, body in SQLITE_TRIGGERS.items()
    ),
]

SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
]

SQLITE_REBUILD = [
    f"DELETE FROM {SQLITE_TABLE}",
    f"""
    INSERT INTO {SQLITE_TABLE} (rowid, subject, head, body)
    SELECT t.id, t.subject,
           t.number || ' ' || coalesce(c.name, '') || ' '
             || coalesce(c.email, '') || ' '
             || replace(replace(coalesce(c.email, ''), '@', ' '), '.', ' '),
           substr(coalesce((SELECT group_concat(m.body_text, ' ')
                            FROM tickets_message m
                            WHERE m.ticket_id = t.id), ''),
                  1, {MAX_BODY_CHARS})
      FROM tickets_ticket t
      LEFT JOIN directory_contact c ON c.id = t.requester_id
    """,
]


# -- operations --------------------------------------------------------------


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index and its triggers (idempotent)."""
    if connection.vendor == "postgresql":
        _run(connection, PG_INSTALL)
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_INSTALL)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        _run(connection, PG_UNINSTALL)
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_UNINSTALL)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    """Only the triggers (the index stays, ``ensure_installed`` rebuilds)."""
    if connection.vendor == "postgresql":
        _run(connection, PG_UNINSTALL[: len(PG_TRIGGERS)])
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_UNINSTALL[: len(SQLITE_TRIGGERS)])


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Every ticket's document from scratch, in one statement."""
    if connection.vendor == "postgresql":
        _run(connection, PG_REBUILD)
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_REBUILD)


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of the index's triggers the database does not have."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)",
                [list(PG_TRIGGERS)],
            )
            wanted = set(PG_TRIGGERS)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            wanted = set(SQLITE_TRIGGERS)
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return sorted(wanted - present)


def ensure_installed(connection: BaseDatabaseWrapper) -> bool:
    """Recreate missing triggers and rebuild the index if any were missing;
    True when something had to be repaired."""
    if not missing_triggers(connection):
        return False
    install(connection)
    rebuild(connection)
    return True
