"""Server time of the desk's pages on the million-ticket database.

    .venv/bin/python bench/million.py            # once: builds the database
    .venv/bin/python bench/desk_pages.py --requests 60

Each page is requested through Django's test client in this process (the
whole view: middleware, session, queries, template; no network), as an
agent (``rosario``: Finanzas and Comercial, about 2/7 of the tickets) and
as the administrator (every ticket). After ``--warmup`` requests, the
median and the 95th percentile of ``--requests`` timed ones are printed,
with the SQL queries of one request and their share of the time.

Pages: the default queue (``mine``), the "all tickets" queue, a filtered
queue (a pipeline, a priority and a channel), the breaching-SLA queue, the
filtered queue's filter panel (its own request, made when it opens), the
sidebar's counts (its own request, polled every 30 s), a
full-text search (two words drawn from the fixture's vocabulary, a new
pair each time: each word is in 3-17 % of the tickets, a hard case), a
search for a requester's email address (selective, the usual case) and a
ticket page (a random visible ticket each time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ventanilla_bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--users", default="rosario,admin")
    parser.add_argument("--pages", default="")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="read the ticket, search, directory and SLA tables and indexes into "
        "the OS cache first (pg_prewarm): a fresh machine reads them from disk",
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=0,
        help="print each page's N slowest requests with their slowest query",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the timed requests of each page; print the top functions",
    )
    parser.add_argument(
        "--pg-options",
        default="",
        help='session settings, e.g. "-c work_mem=32MB -c jit=off"',
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("VENTANILLA_REQUIRE_SECRET_KEY", "0")
    import django

    django.setup()
    from django.conf import settings

    from ventanilla.core.runtime import tune_garbage_collector

    # As the server processes do once the WSGI application is loaded.
    tune_garbage_collector()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from million import ADJECTIVES, NOUNS, PLACES

    from ventanilla.directory.access import visible_tickets
    from ventanilla.pipelines.models import Pipeline, Priority

    if args.pg_options:
        settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            args.pg_options
        )
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    # No collectstatic here: plain static URLs (a dictionary lookup less
    # than the manifest; no query).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    if args.prewarm:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
                " AND c.relname ~ '^(tickets|search|directory|sla)_'"
            )
            print(f"prewarmed {cursor.fetchone()[0]:,} blocks", flush=True)
    rng = random.Random(args.seed)
    finanzas = Pipeline.objects.get(slug="finanzas")
    alta = Priority.objects.order_by("rank")[0]
    words = NOUNS + ADJECTIVES + PLACES

    results: list[tuple[str, str, float, float, int, float]] = []
    for username in args.users.split(","):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        visible = list(
            visible_tickets(user)
            .order_by("?")
            .values_list("number", flat=True)[: args.requests + args.warmup]
        )
        emails = list(
            visible_tickets(user)
            .filter(requester__isnull=False)
            .order_by("?")
            .values_list("requester__email", flat=True)[: args.requests + args.warmup]
        )
        pages: dict[str, Callable[[], str]] = {
            "queue: mine (default)": lambda: "/desk/queues/mine/",
            "queue: all tickets": lambda: "/desk/queues/all/",
            "queue: filtered": lambda: (
                f"/desk/pipelines/{finanzas.slug}/?priority={alta.pk}&channel=email"
            ),
            "queue: breaching SLA": lambda: "/desk/queues/breaching/",
            # What opening the filter panel of the filtered queue reads.
            "queue: filter panel": lambda: (
                f"/desk/pipelines/{finanzas.slug}/?priority={alta.pk}"
                "&channel=email&panel=filters"
            ),
            # The sidebar's own request (on a page's first load, then every
            # 30 s): the counts, which pages no longer wait for.
            "sidebar counts": lambda: "/desk/nav/",
            "search: two words": lambda: (
                f"/desk/search/?q={rng.choice(words)}+{rng.choice(words)}"
            ),
            "search: a requester": partial(_requester_search, rng, emails),
            "ticket page": partial(_ticket_page, visible),
        }
        wanted = [p for p in args.pages.split(",") if p]
        for name, url_for in pages.items():
            if wanted and not any(w in name for w in wanted):
                continue
            times: list[float] = []
            sql_share: list[float] = []
            slow: list[tuple[float, str, float, str]] = []
            queries = 0
            profiler = cProfile.Profile() if args.profile else None
            for index in range(args.warmup + args.requests):
                url = url_for()
                profiling = profiler if index >= args.warmup else None
                with CaptureQueriesContext(connection) as captured:
                    if profiling is not None:
                        profiling.enable()
                    start = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - start
                    if profiling is not None:
                        profiling.disable()
                if response.status_code != 200:
                    sys.exit(f"{url}: HTTP {response.status_code}")
                if index < args.warmup:
                    continue
                times.append(elapsed * 1000)
                sql = sum(float(q["time"]) for q in captured.captured_queries)
                sql_share.append(sql * 1000)
                queries = len(captured.captured_queries)
                if args.slowest:
                    worst = max(
                        captured.captured_queries, key=lambda q: float(q["time"])
                    )
                    slow.append(
                        (elapsed * 1000, url, float(worst["time"]) * 1000, worst["sql"])
                    )
                if args.show_sql and index == args.warmup:
                    for q in sorted(
                        captured.captured_queries, key=lambda q: -float(q["time"])
                    )[:3]:
                        print(
                            f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}"
                        )
            for took, slow_url, worst_ms, worst_sql in sorted(slow, reverse=True)[
                : args.slowest
            ]:
                print(
                    f"    {took:7.1f} ms {slow_url}  (slowest query {worst_ms:.1f} ms)"
                )
                print(f"        {worst_sql[:400]}")
            if profiler is not None:
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(40)
                stats.sort_stats("tottime").print_stats(25)
            results.append(
                (
                    username,
                    name,
                    statistics.median(times),
                    percentile(times, 0.95),
                    queries,
                    statistics.median(sql_share),
                )
            )
            print(
                f"{username:8} {name:24} median {statistics.median(times):7.1f} ms"
                f"  p95 {percentile(times, 0.95):7.1f} ms  {queries:2} queries"
                f" (SQL median {statistics.median(sql_share):6.1f} ms)",
                flush=True,
            )
    print()
    print("| user | page | median | p95 | queries | SQL (median) |")
    print("|---|---|---|---|---|---|")
    for username, name, median, p95, queries, sql in results:
        print(
            f"| {username} | {name} | {median:.1f} ms | {p95:.1f} ms | {queries} |"
            f" {sql:.1f} ms |"
        )


def _requester_search(rng: random.Random, emails: list[str]) -> str:
    return f"/desk/search/?q={rng.choice(emails)}"


def _ticket_page(numbers: list[int]) -> str:
    return f"/desk/tickets/{numbers.pop()}/"


if __name__ == "__main__":
    main()
