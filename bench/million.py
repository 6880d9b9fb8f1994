"""Fill a PostgreSQL database with a million tickets for the desk benchmark.

    .venv/bin/python bench/million.py                      # 1,000,000 tickets
    .venv/bin/python bench/million.py --tickets 50000 \\
        --url postgres://postgres@127.0.0.1:5432/ventanilla_bench_small

1. Create the database if missing and ``migrate`` it.
2. Build the R-DEMO organisation (``demo.organisation``: teams, agents,
   pipelines with stages, types, reasons, priorities, companies), two SLA
   policies, and ``--contacts`` extra requesters.
3. Write the tickets, their messages (customer messages, replies, internal
   notes; Spanish text from a large vocabulary, with accents and plurals,
   so that full-text search has something to discriminate), their audit
   events and their SLA rows with ``COPY``.

This is a fixture, not a simulation: it bypasses ``tickets.actions`` (no
per-ticket transaction, no routing, no notifications) and writes the rows
the actions would have written, with triggers off
(``session_replication_role = replica``) during the copy. The search
index is then built in one pass per half of the tickets
(``search.schema``) and the GIN indexes after it, which is much faster
than a trigger per row. SLA due times are wall-clock offsets from the
creation time, not business hours: the desk only reads them.

Refuses to add to a database that already holds tickets, unless
``--append``; ``--drop`` recreates it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ventanilla_bench"

# -- Spanish text ------------------------------------------------------------

NOUNS = [
    "factura",
    "facturas",
    "facturación",
    "facturaciones",
    "boleta",
    "boletas",
    "nota",
    "crédito",
    "constancia",
    "constancias",
    "retención",
    "retenciones",
    "detracción",
    "detracciones",
    "pago",
    "pagos",
    "cobranza",
    "cobranzas",
    "desembolso",
    "desembolsos",
    "adelanto",
    "adelantos",
    "rescate",
    "rescates",
    "inversión",
    "inversiones",
    "liquidación",
    "liquidaciones",
    "cronograma",
    "cronogramas",
    "tasa",
    "tasas",
    "interés",
    "intereses",
    "cuenta",
    "cuentas",
    "estado",
    "contrato",
    "contratos",
    "adenda",
    "adendas",
    "garantía",
    "garantías",
    "póliza",
    "pólizas",
    "reembolso",
    "reembolsos",
    "devolución",
    "devoluciones",
    "transferencia",
    "transferencias",
    "depósito",
    "depósitos",
    "cheque",
    "cheques",
    "letra",
    "letras",
    "pagaré",
    "pagarés",
    "préstamo",
    "préstamos",
    "crédito",
    "créditos",
    "cuota",
    "cuotas",
    "mora",
    "moras",
    "certificado",
    "certificados",
    "impresora",
    "impresoras",
    "computadora",
    "computadoras",
    "servidor",
    "servidores",
    "correo",
    "correos",
    "contraseña",
    "contraseñas",
    "acceso",
    "accesos",
    "licencia",
    "licencias",
    "instalación",
    "instalaciones",
    "conexión",
    "conexiones",
    "red",
    "redes",
    "camión",
    "camiones",
    "despacho",
    "despachos",
    "almacén",
    "almacenes",
    "inventario",
    "inventarios",
    "pedido",
    "pedidos",
    "cotización",
    "cotizaciones",
    "orden",
    "órdenes",
    "proveedor",
    "proveedores",
    "cliente",
    "clientes",
    "reclamo",
    "reclamos",
    "queja",
    "quejas",
    "solicitud",
    "solicitudes",
    "trámite",
    "trámites",
    "documento",
    "documentos",
    "firma",
    "firmas",
    "sello",
    "sellos",
    "expediente",
    "expedientes",
    "auditoría",
    "auditorías",
    "declaración",
    "declaraciones",
    "impuesto",
    "impuestos",
    "tributo",
    "tributos",
    "planilla",
    "planillas",
    "sueldo",
    "sueldos",
    "vacaciones",
    "gratificación",
    "gratificaciones",
    "capacitación",
    "capacitaciones",
    "reunión",
    "reuniones",
    "visita",
    "visitas",
    "dirección",
    "direcciones",
    "teléfono",
    "teléfonos",
    "sucursal",
    "sucursales",
    "agencia",
    "agencias",
    "tarjeta",
    "tarjetas",
    "cajero",
    "cajeros",
    "comisión",
    "comisiones",
    "descuento",
    "descuentos",
    "promoción",
    "promociones",
    "catálogo",
    "catálogos",
    "envío",
    "envíos",
    "entrega",
    "entregas",
]
ADJECTIVES = [
    "pendiente",
    "pendientes",
    "vencida",
    "vencidas",
    "duplicado",
    "duplicada",
    "anulada",
    "anulado",
    "urgente",
    "urgentes",
    "incorrecto",
    "incorrecta",
    "bloqueado",
    "bloqueada",
    "rechazado",
    "rechazada",
    "aprobado",
    "aprobada",
    "observado",
    "observada",
    "extraviado",
    "extraviada",
    "incompleto",
    "incompleta",
    "atrasado",
    "atrasada",
    "parcial",
    "parciales",
    "mensual",
    "anual",
    "electrónico",
    "electrónica",
    "físico",
    "física",
    "nuevo",
    "nueva",
    "antiguo",
    "antigua",
]
PLACES = [
    "Lima",
    "Arequipa",
    "Cusco",
    "Trujillo",
    "Piura",
    "Chiclayo",
    "Iquitos",
    "Tacna",
    "Puno",
    "Huancayo",
    "Miraflores",
    "Surco",
    "Barranco",
    "Callao",
    "Ñuñoa",
    "Providencia",
    "Bogotá",
    "Quito",
    "Madrid",
    "Sevilla",
    "Málaga",
    "Valparaíso",
]
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
SUBJECTS = [
    "{n} {a} de {m}",
    "Consulta sobre {n} {a}",
    "Solicitud de {n} en {p}",
    "Problema con {n} {a}",
    "Reclamo por {n} {a} ({p})",
    "{n} y {n2} de {m}",
    "Error en {n} del mes de {m}",
    "Envío de {n} a {p}",
    "URGENTE: {n} {a}",
    "RE: {n} {a}",
    "Actualización de {n} y {n2}",
]
SENTENCES = [
    "Buenos días, les escribo por {n} {a} de {m}.",
    "Necesitamos revisar {n} correspondiente a la sede de {p}.",
    "Adjunto {n} y {n2} para su validación.",
    "El sistema muestra {n} {a} desde el {d} de {m}.",
    "¿Podrían confirmar si {n} ya fue procesada?",
    "Hasta la fecha no recibimos {n2} ni {n}.",
    "Por favor, enviar {n} a nuestra oficina de {p}.",
    "Se verificó {n} y quedó {a}.",
    "Quedamos atentos a su respuesta sobre {n2}.",
    "La gerencia de {p} solicita {n} antes del {d} de {m}.",
    "Gracias por la atención; el tema de {n} sigue {a}.",
]
REPLIES = [
    "Estimado cliente, hemos revisado {n} y le confirmamos que está {a}.",
    "Gracias por escribirnos. Derivamos {n} al área de {p}.",
    "Le enviamos {n2} actualizada; cualquier consulta, a su disposición.",
]
NOTES = [
    "Verificar {n} con el área contable de {p}.",
    "Cliente llamó por {n2}; pendiente revisar {n}.",
    "Escalar {n} si no hay respuesta antes del {d}.",
]
FIRST = [
    "Jorge",
    "María",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Rosa",
    "Pedro",
    "Lucía",
    "Diego",
    "Sofía",
    "Andrés",
    "Valeria",
    "Martín",
    "Elena",
    "Raúl",
    "Patricia",
    "Óscar",
    "Julia",
    "Iván",
    "Beatriz",
    "Néstor",
]
LAST = [
    "Salas",
    "Torres",
    "Quispe",
    "Ramírez",
    "Vargas",
    "Rojas",
    "Flores",
    "Gutiérrez",
    "Núñez",
    "Peña",
    "Castillo",
    "Mendoza",
    "Huamán",
    "Chávez",
    "Paredes",
    "Díaz",
    "Muñoz",
    "Sánchez",
    "Ibáñez",
    "León",
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        n=rng.choice(NOUNS),
        n2=rng.choice(NOUNS),
        a=rng.choice(ADJECTIVES),
        p=rng.choice(PLACES),
        m=rng.choice(MONTHS),
        d=rng.randint(1, 28),
    )


def subject(rng: random.Random) -> str:
    return _fill(rng.choice(SUBJECTS), rng)


def body(rng: random.Random, templates: list[str], sentences: int) -> str:
    return " ".join(_fill(rng.choice(templates), rng) for _ in range(sentences))


# -- database ----------------------------------------------------------------


def ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _copy(
    cursor: Any, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]
) -> int:
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _column_defaults(model: Any) -> dict[str, Any]:
    """Each column of ``model`` with the value a new row gets, so that
    columns added after this script was written are still filled."""
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        value = field.get_default()
        defaults[field.column] = (
            json.dumps(value) if isinstance(value, dict | list) else value
        )
    return defaults


class Fixture:
    """What the generated rows refer to: the demo's configuration."""

    def __init__(self, contacts: int, rng: random.Random) -> None:
        from ventanilla.directory.models import Agent, Company, Contact
        from ventanilla.pipelines.models import Pipeline, Priority, Reason

        self.pipelines = []
        for pipeline in Pipeline.objects.select_related("team").order_by("position"):
            stages = {s.kind: s.pk for s in pipeline.stages.order_by("-position")}
            owners = list(
                Agent.objects.filter(teams=pipeline.team_id).values_list(
                    "user_id", flat=True
                )
            )
            types = list(pipeline.types.values_list("pk", flat=True))
            self.pipelines.append((pipeline, stages, owners, types))
        self.priorities = list(
            Priority.objects.order_by("rank").values_list("pk", flat=True)
        )
        self.reasons = list(Reason.objects.values_list("pk", flat=True))
        self.companies = list(Company.objects.values_list("pk", flat=True))
        self.contacts = list(Contact.objects.values_list("pk", "company_id"))
        self.extra_contacts = contacts
        self.rng = rng


def build_configuration(fx_contacts: int, rng: random.Random) -> None:
    """The demo organisation, SLA policies and many requesters."""
    from django.db import connection

    from ventanilla.demo.organisation import build_organisation
    from ventanilla.directory.models import Company, Contact
    from ventanilla.pipelines.models import Priority
    from ventanilla.sla import actions as sla
    from ventanilla.sla.models import BusinessCalendar, SlaPolicy

    build_organisation()
    if not SlaPolicy.objects.exists():
        calendar = BusinessCalendar.objects.filter(is_default=True).first()
        if calendar is None:
            calendar = sla.create_calendar(name="Lima", is_default=True)
        for priority in Priority.objects.order_by("rank")[:2]:
            sla.create_policy(
                name=f"SLA {priority.name}",
                priority=priority,
                calendar=calendar,
                first_response_minutes=240,
                resolution_minutes=60 * 24 * 3,
            )
    have = Contact.objects.count()
    if have >= fx_contacts:
        return
    companies = list(Company.objects.values_list("pk", flat=True))
    now = dt.datetime.now(dt.UTC)
    start = (
        Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1

    def rows() -> Iterator[tuple[Any, ...]]:
        defaults = _column_defaults(Contact)
        columns = list(defaults)
        for i in range(fx_contacts - have):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            values = dict(defaults)
            values.update(
                id=start + i,
                created_at=now,
                updated_at=now,
                name=f"{first} {last} {rng.choice(LAST)}",
                email=f"{first.lower()}.{last.lower()}{start + i}@cliente{i % 997}.example",
                company_id=rng.choice(companies) if rng.random() < 0.7 else None,
            )
            yield tuple(values[c] for c in columns)

    with connection.cursor() as cursor:
        columns = list(_column_defaults(Contact))
        _copy(cursor.cursor, Contact._meta.db_table, columns, rows())
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM directory_contact))",
            [Contact._meta.db_table],
        )


def load_tickets(
    count: int, rng: random.Random, batch: int = 100_000
) -> dict[str, int]:
    """Tickets, messages, events and SLA rows, ``batch`` tickets per COPY
    round (one transaction each, so an interrupted load keeps whole
    tickets)."""
    from django.conf import settings
    from django.db import connection, transaction

    from ventanilla.pipelines.models import Priority, StageKind
    from ventanilla.sla.models import TicketSla
    from ventanilla.tickets.models import (
        NO_PRIORITY_RANK,
        NO_SLA_DUE,
        Message,
        Ticket,
        TicketEvent,
        TicketNumber,
    )

    fx = Fixture(0, rng)
    contacts = fx.contacts
    ranks = dict(Priority.objects.values_list("pk", "rank"))
    now = dt.datetime.now(dt.UTC)
    span = dt.timedelta(days=3 * 365)
    first_id = (
        Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    first_number = max(
        settings.VENTANILLA_FIRST_TICKET_NUMBER,
        (
            Ticket.objects.order_by("-number").values_list("number", flat=True).first()
            or 0
        )
        + 1,
    )
    message_id = (
        Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    event_id = (
        TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    t_defaults, m_defaults = _column_defaults(Ticket), _column_defaults(Message)
    e_defaults, s_defaults = _column_defaults(TicketEvent), _column_defaults(TicketSla)
    t_cols, m_cols, e_cols, s_cols = (
        list(d) for d in (t_defaults, m_defaults, e_defaults, s_defaults)
    )
    totals = {"tickets": 0, "messages": 0, "events": 0, "sla": 0}
    channels = ["email"] * 6 + ["portal", "phone", "web_form", "whatsapp", "api"]

    for offset in range(0, count, batch):
        n = min(batch, count - offset)
        tickets: list[tuple[Any, ...]] = []
        messages: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        slas: list[tuple[Any, ...]] = []
        for i in range(n):
            tid = first_id + offset + i
            number = first_number + offset + i
            # Creation times grow with the id, over three years to now.
            created = now - span + span * ((offset + i + 1) / count)
            created -= dt.timedelta(seconds=rng.randint(0, 600))
            pipeline, stages, owners, types = rng.choice(fx.pipelines)
            roll = rng.random()
            if roll < 0.80:
                kind = StageKind.CLOSED
            elif roll < 0.86:
                kind = StageKind.RESOLVED
            elif roll < 0.91:
                kind = StageKind.NEW
            elif roll < 0.96:
                kind = StageKind.OPEN
            else:
                kind = StageKind.WAITING_CUSTOMER
            # Recent tickets are the open ones, as in a real desk.
            if kind in (StageKind.NEW, StageKind.OPEN, StageKind.WAITING_CUSTOMER):
                created = now - dt.timedelta(minutes=rng.randint(5, 60 * 24 * 30))
            stage = stages.get(kind) or stages[StageKind.OPEN]
            contact, company = rng.choice(contacts)
            classified = kind != StageKind.NEW or rng.random() < 0.5
            owner = rng.choice(owners) if owners and classified else None
            priority = rng.choice(fx.priorities) if classified else None
            done = kind in (StageKind.RESOLVED, StageKind.CLOSED)
            updated = (
                created + dt.timedelta(hours=rng.randint(1, 200)) if done else created
            )
            t = dict(t_defaults)
            t.update(
                id=tid,
                created_at=created,
                updated_at=min(updated, now),
                number=number,
                subject=subject(rng),
                requester_id=contact,
                company_id=company,
                pipeline_id=pipeline.pk,
                stage_id=stage,
                type_id=rng.choice(types) if types and classified else None,
                reason_id=rng.choice(fx.reasons) if classified else None,
                priority_id=priority,
                priority_rank=NO_PRIORITY_RANK if priority is None else ranks[priority],
                owner_id=owner,
                team_id=pipeline.team_id,
                channel=rng.choice(channels),
                first_response_at=created + dt.timedelta(hours=2)
                if classified
                else None,
                resolved_at=updated if done else None,
                closed_at=updated if kind == StageKind.CLOSED else None,
                last_customer_message_at=created,
            )
            when = created
            for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
                if k == 0:
                    kind_m, direction, text = (
                        "customer",
                        "inbound",
                        body(rng, SENTENCES, rng.randint(2, 5)),
                    )
                else:
                    kind_m = rng.choice(("reply", "reply", "note", "customer"))
                    direction = {
                        "reply": "outbound",
                        "note": "internal",
                        "customer": "inbound",
                    }[kind_m]
                    text = body(
                        rng,
                        {"reply": REPLIES, "note": NOTES, "customer": SENTENCES}[
                            kind_m
                        ],
                        rng.randint(1, 3),
                    )
                when = when + dt.timedelta(minutes=rng.randint(5, 600))
                staff = kind_m != "customer" and owner is not None
                m = dict(m_defaults)
                m.update(
                    id=message_id,
                    created_at=min(when, now),
                    updated_at=min(when, now),
                    ticket_id=tid,
                    kind=kind_m if staff or kind_m == "customer" else "customer",
                    direction=direction if staff or kind_m == "customer" else "inbound",
                    channel="email",
                    author_user_id=owner if staff else None,
                    author_contact_id=None if staff else contact,
                    body_text=text,
                )
                messages.append(tuple(m[c] for c in m_cols))
                message_id += 1
            e = dict(e_defaults)
            e.update(
                id=event_id,
                ticket_id=tid,
                kind="created",
                actor_type="contact",
                actor_label="bench",
                data="{}",
                created_at=created,
            )
            events.append(tuple(e[c] for c in e_cols))
            event_id += 1
            if kind != StageKind.NEW:
                e = dict(e_defaults)
                e.update(
                    id=event_id,
                    ticket_id=tid,
                    kind="stage_changed",
                    actor_type="user" if owner else "system",
                    actor_user_id=owner,
                    actor_label="bench",
                    field="stage",
                    new=str(kind),
                    data="{}",
                    created_at=min(updated, now),
                )
                events.append(tuple(e[c] for c in e_cols))
                event_id += 1
            s = dict(s_defaults)
            # Open tickets' clocks fall due from three hours ago to five
            # days ahead (about 3 % breached, 1 % within the hour), the
            # first response of unanswered ones within eight hours.
            active = not done
            if active:
                due = now + dt.timedelta(minutes=rng.randint(-180, 5 * 24 * 60))
                first_due = now + dt.timedelta(minutes=rng.randint(-60, 8 * 60))
            else:
                due = created + dt.timedelta(hours=rng.choice((24, 48, 72)))
                first_due = created + dt.timedelta(hours=4)

            def state_of(when: dt.datetime, active: bool = active) -> str:
                if not active:
                    return "met"
                if when < now:
                    return "breached"
                return "warning" if when - now < dt.timedelta(hours=1) else "running"

            s.update(
                ticket_id=tid,
                is_active=active,
                running_side="ours" if active else "",
                resolution_state=state_of(due),
                resolution_due_at=due,
                resolution_warn_at=due - dt.timedelta(hours=1),
                first_response_state="met" if classified else state_of(first_due),
                first_response_due_at=first_due,
                first_response_warn_at=first_due - dt.timedelta(hours=1),
                computed_at=now,
            )
            slas.append(tuple(s[c] for c in s_cols))
            # The queue's times, as ``sla.actions._write_due_times`` writes
            # them: the pending first response's due time, else the
            # resolution's; the earliest warning time of the pending ones.
            pending = ("running", "warning", "breached")
            first_pending = (
                active and not classified and s["first_response_state"] in pending
            )
            resolution_pending = active and s["resolution_state"] in pending
            if first_pending:
                t["sla_due_at"] = first_due
            elif resolution_pending:
                t["sla_due_at"] = due
            else:
                t["sla_due_at"] = NO_SLA_DUE
            warns = [s["first_response_warn_at"]] if first_pending else []
            warns += [s["resolution_warn_at"]] if resolution_pending else []
            t["sla_warn_at"] = min(warns, default=NO_SLA_DUE)
            tickets.append(tuple(t[c] for c in t_cols))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            raw = cursor.cursor
            totals["tickets"] += _copy(
                raw, Ticket._meta.db_table, t_cols, iter(tickets)
            )
            totals["messages"] += _copy(
                raw, Message._meta.db_table, m_cols, iter(messages)
            )
            totals["events"] += _copy(
                raw, TicketEvent._meta.db_table, e_cols, iter(events)
            )
            totals["sla"] += _copy(raw, TicketSla._meta.db_table, s_cols, iter(slas))
        print(f"  {offset + n:>9,} tickets written", flush=True)
    with connection.cursor() as cursor:
        for model in (Ticket, Message, TicketEvent):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        last = first_number + count - 1
        if TicketNumber.objects.exists():
            TicketNumber.objects.update(last=last)
        else:
            TicketNumber.objects.create(last=last)
    return totals


def build_search_index(workers: int = 2) -> None:
    """The search documents of every ticket, ``workers`` id ranges at once,
    then the GIN indexes (built once rather than updated per row)."""
    import psycopg
    from django.db import connection

    from ventanilla.search import schema

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_doc_spanish_gin")
        cursor.execute("DROP INDEX IF EXISTS search_doc_simple_gin")
        cursor.execute("TRUNCATE search_ticketdocument")
        cursor.execute("SELECT min(id), max(id) FROM tickets_ticket")
        low, high = cursor.fetchone()
    if low is None:
        return
    # Restrict both the tickets and the message aggregate to the range.
    insert = (
        schema.PG_REBUILD[1]
        .replace(
            "FROM tickets_message GROUP BY ticket_id",
            "FROM tickets_message WHERE ticket_id BETWEEN %(lo)s AND %(hi)s GROUP BY ticket_id",
        )
        .replace(
            "ON b.ticket_id = t.id",
            "ON b.ticket_id = t.id WHERE t.id BETWEEN %(lo)s AND %(hi)s",
        )
    )
    dsn = os.environ["DATABASE_URL"]
    step = (high - low) // workers + 1
    errors: list[BaseException] = []

    def work(lo: int, hi: int) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET work_mem = '256MB'")
                conn.execute(insert, {"lo": lo, "hi": hi})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(
            target=work, args=(low + k * step, min(high, low + (k + 1) * step - 1))
        )
        for k in range(workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]

    def index(sql: str) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '512MB'")
                conn.execute(sql)
        except BaseException as exc:
            errors.append(exc)

    statements = [s for s in schema.PG_INSTALL if "USING gin" in s]
    threads = [threading.Thread(target=index, args=(s,)) for s in statements]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--drop", action="store_true", help="recreate the database")
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        parser.error("--url must be a PostgreSQL URL")
    rng = random.Random(args.seed)
    started = time.monotonic()
    ensure_database(args.url, drop=args.drop)
    setup_django(args.url)
    migrate()
    print(f"migrated in {time.monotonic() - started:.1f} s", flush=True)
    from django.db import connection

    from ventanilla.tickets.models import Ticket

    if Ticket.objects.exists() and not args.append:
        sys.exit("the database already holds tickets: use --append or --drop")
    build_configuration(args.contacts, rng)
    t0 = time.monotonic()
    totals = load_tickets(args.tickets, rng, batch=args.batch)
    t1 = time.monotonic()
    print(f"rows written in {t1 - t0:.1f} s: {totals}", flush=True)
    build_search_index()
    t2 = time.monotonic()
    print(f"search index built in {t2 - t1:.1f} s", flush=True)
    connection.close()
    import psycopg

    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    t3 = time.monotonic()
    print(f"vacuum analyze in {t3 - t2:.1f} s", flush=True)
    print(f"total {t3 - started:.1f} s for {args.tickets:,} tickets", flush=True)


if __name__ == "__main__":
    main()
