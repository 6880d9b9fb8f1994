"""REST API over HTTP: ticket creation rate and list latency, served by
gunicorn (2 workers) on PostgreSQL.

    .venv/bin/python bench/million.py                  # once: 1,000,000 tickets
    .venv/bin/python bench/api.py                      # clone, migrate, measure

1. The measured database is ``--url`` (default ``ventanilla_api_bench``).
   When it does not exist it is cloned from ``--template`` (the
   million-ticket database of ``bench/million.py``) with
   ``CREATE DATABASE ... TEMPLATE``, so the benchmark never adds tickets
   to the shared fixture; then it is migrated.
2. A write token is created for ``--user`` (an agent of the demo
   organisation: ``rosario`` sees Finanzas and Comercial).
3. gunicorn starts as ``ventanilla serve`` runs it: ``--workers 2`` with
   ``--threads 4`` each (``--threads 1`` for sync workers), persistent
   database connections (``DATABASE_CONN_MAX_AGE=60``), and the rate limit
   is lifted.
4. Creation: ``--creates`` POST /api/v1/tickets from ``--clients``
   threads, each ticket with a requester, a body and a priority (through
   ``tickets.actions.open_ticket``: number counter, ticket, message, events,
   SLA job). Reported: tickets per second over the wall-clock time, and
   as a floor the rate of the cheapest authenticated call (``GET
   /priorities``: the token and three rows) by the same clients, measured
   just before: what the server, the client and the machine allow at all.
   Clients keep their connections open when the workers allow it.
5. Listing: ``--lists`` GET requests of each kind, one at a time (after a
   warm-up): the agent's newest 50, page 2 through the cursor, and a
   filtered list (pipeline, open, priority). Reported: median and 95th
   percentile latency seen by the client (HTTP included).

The client runs on the same 2 CPUs as the server and the database, so the
figures are lower bounds of what a separate client would see.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ventanilla_api_bench"
DEFAULT_TEMPLATE = "ventanilla_bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ensure_database(url: str, template: str, wait: float) -> None:
    """Clone ``template`` into ``url``'s database unless it exists.

    PostgreSQL refuses to copy a database others are connected to; retry
    for ``wait`` seconds, then give up with a message.
    """
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.replace(f"/{name}", "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute(
            "SELECT 1 FROM pg_database WHERE datname=%s", [name]
        ).fetchone():
            return
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname=%s", [template]
        ).fetchone():
            sys.exit(f"no database {template!r}: run bench/million.py first")
        deadline = time.monotonic() + wait
        while True:
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                print(f"cloned {template} into {name}")
                return
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    sys.exit(f"{template} stays in use; retry later or pass --url")
                time.sleep(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Api:
    """A client of the API. Each thread keeps its connection open between
    requests (HTTP keep-alive, as API clients do) while the server allows
    it: gunicorn's threaded workers do, its sync workers close every one."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        self.local = threading.local()

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
        kept = getattr(self.local, "conn", None)
        conn = kept or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            conn.request(method, f"/api/v1{path}", body=data, headers=self.headers)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            if kept is None:
                raise
            # The server closed the idle connection before reading the
            # request: send it again on a new one.
            conn.close()
            self.local.conn = None
            return self.call(method, path, body)
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.will_close:
            conn.close()
            conn = None
        self.local.conn = conn
        return response.status, json.loads(payload or b"null"), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--template", default=DEFAULT_TEMPLATE)
    parser.add_argument("--wait", type=float, default=600)
    parser.add_argument("--user", default="rosario")
    parser.add_argument("--creates", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per worker (4: what `ventanilla serve` runs; 1: sync workers)",
    )
    parser.add_argument("--lists", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()

    ensure_database(args.url, args.template, args.wait)
    env = {
        **os.environ,
        "DATABASE_URL": args.url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VENTANILLA_API_RATE_PER_MINUTE": "100000000",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import django

    django.setup()
    from django.contrib.auth.models import User

    from ventanilla.api.actions import create_token
    from ventanilla.api.models import Scope
    from ventanilla.directory.access import visible_pipelines
    from ventanilla.directory.models import Contact
    from ventanilla.pipelines.models import Priority
    from ventanilla.tickets.models import Ticket

    user = User.objects.get(username=args.user)
    token = create_token(user, name="bench/api.py", scope=Scope.WRITE).plaintext
    pipeline = visible_pipelines(user).order_by("position").first()
    priority = Priority.objects.order_by("rank").first()
    if pipeline is None or priority is None:
        sys.exit(f"{args.user} sees no pipeline, or there are no priorities")
    requesters = list(Contact.objects.order_by("id").values_list("id", flat=True)[:500])
    before = Ticket.objects.count()
    print(f"database: {args.url} ({before:,} tickets); user {args.user}")

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            str(args.threads),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    api = Api(port, token)
    try:
        for _ in range(100):
            try:
                api.call("GET", "/tickets?limit=1")
                break
            except OSError:
                time.sleep(0.2)
        results = run(api, args, pipeline.pk, priority.pk, requesters)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(results, indent=2))


def drive(
    clients: int,
    count: int,
    call: Callable[[int], tuple[int, Any, float]],
    expected: int,
) -> float:
    """Make ``count`` calls from ``clients`` threads; the wall-clock
    seconds they took. Exits on any unexpected status."""
    counter = iter(range(count))
    lock = threading.Lock()
    errors: list[str] = []

    def client() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            status, body, _ = call(i)
            if status != expected:
                errors.append(f"{status} {body}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        sys.exit(f"{len(errors)} of {count} calls failed, e.g. {errors[0]}")
    return wall


def run(
    api: Api,
    args: argparse.Namespace,
    pipeline: int,
    priority: int,
    requesters: list[int],
) -> dict[str, Any]:
    for _ in range(args.warmup):
        api.call("GET", "/tickets")

    # -- floor: the cheapest authenticated call, at the same concurrency ------
    floor_wall = drive(
        args.clients, args.creates, lambda _i: api.call("GET", "/priorities"), 200
    )

    # -- creation ------------------------------------------------------------
    def create(i: int) -> tuple[int, Any, float]:
        return api.call(
            "POST",
            "/tickets",
            {
                "subject": f"Consulta de saldo {i}",
                "body_text": "Buenos días, ¿me envían mi estado de cuenta?",
                "pipeline": pipeline,
                "requester": requesters[i % len(requesters)],
                "priority": priority,
            },
        )

    wall = drive(args.clients, args.creates, create, 201)

    # -- listing -------------------------------------------------------------
    first = api.call("GET", "/tickets?limit=50")[1]
    cursor = first["next_cursor"]
    kinds = {
        "newest 50": "/tickets?limit=50",
        "page 2 (cursor)": "/tickets?" + urlencode({"limit": 50, "cursor": cursor}),
        "filtered (pipeline, open, priority)": "/tickets?"
        + urlencode(
            {"limit": 50, "pipeline": pipeline, "status": "open", "priority": priority}
        ),
    }
    lists: dict[str, dict[str, float]] = {}
    for name, path in kinds.items():
        for _ in range(args.warmup):
            api.call("GET", path)
        times = []
        for _ in range(args.lists):
            status, _, elapsed = api.call("GET", path)
            if status != 200:
                sys.exit(f"GET {path}: {status}")
            times.append(elapsed * 1000)
        lists[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
    return {
        "creates": args.creates,
        "clients": args.clients,
        "create_seconds": round(wall, 2),
        "tickets_per_second": round(args.creates / wall, 1),
        "floor_get_priorities_per_second": round(args.creates / floor_wall, 1),
        "list_latency": lists,
    }


if __name__ == "__main__":
    main()
