"""Routing and SLA benchmarks.

    .venv/bin/python bench/routing_sla.py --record
    .venv/bin/python bench/routing_sla.py --part routing
    .venv/bin/python bench/routing_sla.py --part sla --tickets 100000 \\
        --pg postgres://postgres@127.0.0.1:5432

1. ``routing``: 200 rules (initials, keyword lists, sender domains, company
   kinds, mailboxes) compiled once, then ``engine.decide`` on a realistic
   Spanish message (a forwarded reply with a 1.6 kB body). Microseconds per
   message: the median over ``--repeat`` runs of 2000 decisions. Pure: no
   database.
2. ``sla``: a throwaway PostgreSQL database ``ventanilla_bench_<pid>``
   (created, migrated, dropped), ``--tickets`` open tickets written with
   bulk inserts (with their CREATED events; one in three also waited on
   the customer, one in three was opened), three SLA policies by priority
   on the Lima calendar. Then ``sla.actions.recompute_all()`` -- every
   ticket's clocks, segments and targets -- timed ``--repeat`` times (the
   first run inserts the SLA rows, the later ones update them), and one
   ``scan_due`` with nothing stale.

``--record`` appends the figures to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PSQL = shutil.which("psql") or "/usr/bin/psql"
sys.path.insert(0, str(ROOT))

WORDS = [
    "factura",
    "constancia",
    "pago",
    "liquidación",
    "cobranza",
    "desembolso",
    "adelanto",
    "rescate",
    "adición",
    "inversión",
    "inversionista",
    "estado",
    "cuenta",
    "tasa",
    "interés",
    "cronograma",
    "vencimiento",
    "deudor",
    "cliente",
    "operación",
    "contrato",
    "garantía",
    "sunat",
    "sunafil",
    "notificación",
    "retención",
    "detracción",
    "letra",
    "cheque",
    "transferencia",
    "depósito",
    "abono",
    "reclamo",
    "queja",
    "consulta",
    "urgente",
    "acceso",
    "usuario",
    "contraseña",
    "portal",
    "reporte",
    "conciliación",
    "saldo",
    "excedente",
    "mora",
    "protesto",
    "endoso",
    "cesión",
    "cavali",
    "verificación",
    "conformidad",
    "proveedor",
    "servicio",
    "internet",
    "telefonía",
    "laptop",
]
BODY = (
    "Buenos días, estimados: les escribo para consultar por la liquidación de la "
    "operación 2025-118, cuyo desembolso estaba programado para el viernes. "
    "Según nuestro registro, la factura F001-2345 fue cedida el 3 de octubre y "
    "el deudor confirmó la conformidad. Sin embargo, el abono recibido no "
    "coincide con el cronograma enviado; la diferencia parece corresponder a la "
    "retención de la detracción. ¿Podrían enviarnos el detalle del cálculo y la "
    "constancia de depósito? Además, quisiera saber si el excedente será "
    "transferido a la misma cuenta de siempre o si debemos actualizar los datos "
    "bancarios en el portal. Quedo atento a sus comentarios. Saludos cordiales, "
) * 2


def bench_routing(repeat: int, decisions: int = 2000) -> dict[str, Any]:
    from ventanilla.routing.engine import Facts, compile_rule, decide
    from ventanilla.routing.schemas import RuleActions, RuleConditions

    rng = random.Random(4)
    documents: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for code in ("COB", "OPE", "FIN", "SOP"):
        documents.append(({"subject_initials": [code]}, {"pipeline": 1}))
    for index in range(150):
        words = rng.sample(WORDS, rng.randint(3, 8))
        key = rng.choice(["keywords", "subject_keywords", "body_keywords"])
        documents.append(
            ({key: words}, {"priority": 1 + index % 3, "tags": [words[0]]})
        )
    for index in range(20):
        documents.append(
            (
                {
                    "sender_domains": [f"empresa{index}.example"],
                    "keywords": ["factura"],
                },
                {"type": 10 + index},
            )
        )
    for kind in ("client", "investor", "debtor", "supplier", "authority") * 4:
        documents.append(({"company_kinds": [kind], "match": "any"}, {"reason": 3}))
    for index in range(6):
        documents.append(
            ({"mailboxes": [f"buzon{index}@generafactoring.pe"]}, {"pipeline": 2})
        )
    rules = [
        compile_rule(
            rule_id=index + 1,
            name=f"Regla {index + 1}",
            conditions=RuleConditions.model_validate(conditions),
            actions=RuleActions.model_validate(actions),
            type_pipeline_id=3,
        )
        for index, (conditions, actions) in enumerate(documents)
    ]
    assert len(rules) == 200  # noqa: S101
    facts = Facts(
        subject="RE: RV: Consulta sobre la liquidación de la factura F001-2345",
        body=BODY,
        sender="tesoreria@empresa7.example",
        mailbox="servicioalcliente@generafactoring.pe",
        channel="email",
        company_id=7,
        company_kind="client",
        default_pipeline_id=5,
        triage=True,
    )
    decision = decide(facts, rules)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(decisions):
            decide(facts, rules)
        runs.append((time.perf_counter() - started) / decisions * 1e6)
    return {
        "rules": len(rules),
        "body_chars": len(BODY),
        "matched": len(decision.matched_rule_ids),
        "us_per_message_median": statistics.median(runs),
        "us_runs": runs,
    }


def _psql(url: str, sql: str) -> None:
    subprocess.run(
        [PSQL, url + "/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
    )


def bench_sla(pg: str, tickets: int, repeat: int) -> dict[str, Any]:
    name = f"ventanilla_bench_{os.getpid()}"
    _psql(pg, f"CREATE DATABASE {name}")
    try:
        os.environ["DATABASE_URL"] = f"{pg}/{name}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return _sla_figures(tickets, repeat)
    finally:
        from django.db import connections

        connections.close_all()
        _psql(pg, f"DROP DATABASE IF EXISTS {name}")


def _sla_figures(count: int, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from ventanilla.directory import actions as directory
    from ventanilla.pipelines import actions as pipelines
    from ventanilla.pipelines.models import StageKind
    from ventanilla.sla import actions as sla
    from ventanilla.sla.models import ClockSegment, TicketSla
    from ventanilla.tickets.models import EventKind, Ticket, TicketEvent

    team = directory.create_team(name="Finanzas")
    pipeline = pipelines.create_pipeline(
        name="Finanzas",
        team=team,
        stages=[
            ("Nuevo", StageKind.NEW),
            ("En proceso", StageKind.OPEN),
            ("Acción del cliente", StageKind.WAITING_CUSTOMER),
            ("Completado", StageKind.RESOLVED),
            ("Cerrado", StageKind.CLOSED),
        ],
    )
    stages = {stage.kind: stage for stage in pipeline.stages.all()}
    priorities = [
        pipelines.create_priority(name=n, rank=r)
        for n, r in (("Alta", 1), ("Media", 2), ("Baja", 3))
    ]
    calendar = sla.create_calendar(name="Lima", is_default=True)
    for priority, hours in zip(priorities, (8, 24, 40), strict=True):
        sla.create_policy(
            name=f"Finanzas {priority.name}",
            calendar=calendar,
            pipeline=pipeline,
            priority=priority,
            first_response_minutes=4 * 60,
            resolution_minutes=hours * 60,
        )

    # Bulk inserts: the fixture is written directly, not through actions,
    # so that 100k tickets take seconds (a throwaway database).
    now = timezone.now()
    rng = random.Random(4)
    for model in (Ticket, TicketEvent):
        model._meta.get_field("created_at").auto_now_add = False
    started = time.perf_counter()
    batch = 5000
    for first in range(0, count, batch):
        rows = []
        for number in range(first, min(first + batch, count)):
            created = now - dt.timedelta(minutes=rng.randint(10, 30 * 24 * 60))
            kind = (StageKind.OPEN, StageKind.OPEN, StageKind.NEW)[number % 3]
            rows.append(
                Ticket(
                    number=100_000 + number,
                    subject=f"Consulta {number}",
                    pipeline=pipeline,
                    stage=stages[kind],
                    priority=priorities[number % 3],
                    channel="email",
                    created_at=created,
                )
            )
        Ticket.objects.bulk_create(rows)
        events = []
        for index, ticket in enumerate(rows):
            events.append(
                TicketEvent(
                    ticket=ticket,
                    kind=EventKind.CREATED,
                    actor_type="system",
                    actor_label="bench",
                    created_at=ticket.created_at,
                )
            )
            age = now - ticket.created_at
            if (first + index) % 3 == 0:
                for at, old, new in (
                    (ticket.created_at + age / 3, "new", "waiting_customer"),
                    (ticket.created_at + age * 2 / 3, "waiting_customer", "open"),
                ):
                    events.append(
                        TicketEvent(
                            ticket=ticket,
                            kind=EventKind.STAGE_CHANGED,
                            actor_type="system",
                            actor_label="bench",
                            field="stage",
                            data={"old_kind": old, "new_kind": new},
                            created_at=at,
                        )
                    )
            elif (first + index) % 3 == 1:
                events.append(
                    TicketEvent(
                        ticket=ticket,
                        kind=EventKind.STAGE_CHANGED,
                        actor_type="system",
                        actor_label="bench",
                        field="stage",
                        data={"old_kind": "new", "new_kind": "open"},
                        created_at=ticket.created_at + age / 10,
                    )
                )
        TicketEvent.objects.bulk_create(events)
    insert_seconds = time.perf_counter() - started
    for model in (Ticket, TicketEvent):
        model._meta.get_field("created_at").auto_now_add = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = sla.recompute_all(now=timezone.now())
        runs.append(time.perf_counter() - started)
        assert done == count  # noqa: S101
    # Steady state: every crossing so far was notified, nothing changed.
    stamp = timezone.now()
    TicketSla.objects.update(
        first_response_warned_at=stamp,
        first_response_breached_at=stamp,
        resolution_warned_at=stamp,
        resolution_breached_at=stamp,
    )
    started = time.perf_counter()
    report = sla.scan_due(timezone.now())
    scan_seconds = time.perf_counter() - started
    # A busy minute: 1 % of the tickets changed since the last scan.
    changed = list(
        Ticket.objects.order_by("?").values_list("id", flat=True)[: count // 100]
    )
    Ticket.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    started = time.perf_counter()
    busy = sla.scan_due(timezone.now())
    busy_seconds = time.perf_counter() - started
    return {
        "tickets": count,
        "insert_seconds": insert_seconds,
        "full_scan_seconds_runs": runs,
        "first_full_scan_seconds": runs[0],
        "full_scan_seconds_median_after_first": statistics.median(runs[1:] or runs),
        "segments": ClockSegment.objects.count(),
        "sla_rows": TicketSla.objects.count(),
        "breached_resolution": TicketSla.objects.filter(
            resolution_state="breached"
        ).count(),
        "quiet_scan_seconds": scan_seconds,
        "quiet_scan_report": report,
        "busy_scan_seconds": busy_seconds,
        "busy_scan_report": busy,
    }


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError):
        pass
    try:
        pg = subprocess.run(
            [PSQL, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        pg = "?"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; {pg} on the "
        f"same machine. Load average when recorded: {load} (a shared machine: "
        f"other test suites ran meanwhile, so take the figures as upper bounds)"
    )


HEADER = """# Benchmark results

Each section names the command that produced it and the machine it ran on.
"""


def record(
    routing: dict[str, Any] | None, sla: dict[str, Any] | None, command: str
) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else HEADER
    lines = [
        "",
        f"## Routing and SLA ({dt.date.today().isoformat()})",  # noqa: DTZ011
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {machine()}",
        "",
    ]
    if routing:
        lines += [
            f"- Routing: {routing['rules']} rules against one message "
            f"({routing['body_chars']} characters of body, {routing['matched']} rules "
            f"match): **{routing['us_per_message_median']:.0f} µs per message** "
            f"(median of {len(routing['us_runs'])} runs of 2000 decisions; runs: "
            + ", ".join(f"{v:.0f}" for v in routing["us_runs"])
            + " µs).",
        ]
    if sla:
        lines += [
            f"- SLA: {sla['tickets']:,} open tickets ({sla['segments']:,} clock segments) "
            f"on PostgreSQL: **{sla['full_scan_seconds_median_after_first']:.1f} s per full "
            f"recomputation** (median of the runs after the first; first run, which "
            f"inserts the SLA rows: {sla['first_full_scan_seconds']:.1f} s; runs: "
            + ", ".join(f"{v:.1f}" for v in sla["full_scan_seconds_runs"])
            + f" s). The periodic scan (``scan_due``) with nothing changed and every "
            f"crossing already notified: {sla['quiet_scan_seconds']:.2f} s; with 1 % of "
            f"the tickets changed since the last scan "
            f"({sla['busy_scan_report'].recomputed:,} recomputed): "
            f"{sla['busy_scan_seconds']:.2f} s. Writing the fixture with bulk inserts "
            f"took {sla['insert_seconds']:.0f} s.",
        ]
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["routing", "sla", "both"], default="both")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    routing = sla = None
    if args.part in {"routing", "both"}:
        routing = bench_routing(max(args.repeat, 5))
        print("routing", routing)
    if args.part in {"sla", "both"}:
        sla = bench_sla(args.pg, args.tickets, args.repeat)
        print("sla", sla)
    if args.record:
        record(
            routing,
            sla,
            ".venv/bin/python bench/routing_sla.py " + " ".join(sys.argv[1:]),
        )


if __name__ == "__main__":
    main()
