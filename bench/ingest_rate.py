"""Ingestion throughput: ``ingest_raw`` against Python's own parser.

    .venv/bin/python bench/ingest_rate.py --messages 2000 --repeat 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/ingest_rate.py --messages 2000 --repeat 3

Each measurement runs in a fresh child process (so peak RSS is its own):
1. ``email.message_from_bytes`` plus a walk that decodes every part: the
   floor any parser pays.
2. ``ventanilla.channels.mail.parsing.parse`` alone.
3. ``ingest_raw`` end to end into a fresh database (store, parse, loop
   control, threading, contact, ticket or reply, events; one worker), one
   message at a time as the pipe, SMTP and HTTP ingress call it.
4. ``ingest_many`` on the whole corpus (the batch path of an IMAP poll or a
   directory of files: all raw messages stored first, then processed in
   transactions of ``--batch-size`` messages), into a fresh database.
Prints one JSON line per measurement (median of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The corpus comes from a few dozen senders within minutes: without this the
# storm guard (R-CAP-6) would rightly suppress most of it.
os.environ.setdefault("VENTANILLA_MAIL_STORM_MAX", "1000000")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _files(corpus: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]


def run_stdlib(corpus: Path) -> float:
    import email
    from email.policy import default

    messages = _files(corpus)
    started = time.perf_counter()
    for raw in messages:
        message = email.message_from_bytes(raw, policy=default)
        for part in message.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)
    return len(messages) / (time.perf_counter() - started)


def run_parse(corpus: Path) -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from ventanilla.channels.mail.parsing import parse

    messages = _files(corpus)
    started = time.perf_counter()
    for raw in messages:
        parse(raw)
    return len(messages) / (time.perf_counter() - started)


def run_ingest(corpus: Path, batch_size: int = 0) -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from kill_ingest import setup_database

    from ventanilla.channels.mail.ingest import ingest_many, ingest_raw
    from ventanilla.channels.mail.models import Via
    from ventanilla.channels.mail.queries import mailbox_for_address

    setup_database()
    boxes = {
        a: mailbox_for_address(a)
        for a in ("finanzas@generafactoring.pe", "cobranza@generafactoring.pe")
    }
    messages = _files(corpus)
    targets = [
        boxes[
            "cobranza@generafactoring.pe"
            if b"To: cobranza@" in raw
            else "finanzas@generafactoring.pe"
        ]
        for raw in messages
    ]
    started = time.perf_counter()
    if batch_size:
        results = ingest_many(
            list(zip(messages, targets, strict=True)),
            via=Via.IMAP,
            batch_size=batch_size,
        )
        assert len(results) == len(messages)  # noqa: S101
    else:
        for raw, mailbox in zip(messages, targets, strict=True):
            ingest_raw(raw, mailbox=mailbox, via=Via.PIPE)
    return len(messages) / (time.perf_counter() - started)


def child(kind: str, corpus: Path, batch_size: int) -> None:
    if kind == "batch":
        rate = run_ingest(corpus, batch_size)
    elif kind == "ingest":
        rate = run_ingest(corpus, 0)
    elif kind == "parse":
        rate = run_parse(corpus)
    else:
        rate = run_stdlib(corpus)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rate": rate, "peak_rss_mib": round(peak_kib / 1024, 1)}))


def _measure(
    kind: str, corpus: Path, env: dict[str, str], batch_size: int = 0
) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--corpus",
            str(corpus),
            "--batch-size",
            str(batch_size),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def _fresh_database(workdir: Path, run: str) -> tuple[dict[str, str], object]:
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / f'ingest-{run}.sqlite3'}"
        return env, None
    import psycopg

    base = url.rpartition("/")[0]
    name = f"ventanilla_bench_{os.getpid()}_{run.replace('-', '_')}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = f"{base}/{name}"

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return env, drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus, args.batch_size)
        return 0
    from corpus import generate

    workdir = Path(tempfile.mkdtemp(prefix="ventanilla-bench-"))
    corpus = generate(workdir / "corpus", args.messages)[0].parent
    os.environ.setdefault("VENTANILLA_VAR_DIR", str(workdir / "var"))
    results: dict[str, list[dict[str, float]]] = {
        "stdlib": [],
        "parse": [],
        "ingest": [],
        "batch": [],
    }
    for run in range(args.repeat):
        for kind in ("stdlib", "parse"):
            results[kind].append(_measure(kind, corpus, dict(os.environ)))
        for kind in ("ingest", "batch"):
            env, drop = _fresh_database(workdir, f"{kind}-{run}")
            try:
                results[kind].append(_measure(kind, corpus, env, args.batch_size))
            finally:
                if callable(drop):
                    drop()
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    floor = statistics.median(r["rate"] for r in results["stdlib"])
    for kind, runs in results.items():
        rate = statistics.median(r["rate"] for r in runs)
        print(
            json.dumps(
                {
                    "measure": kind,
                    "database": database if kind in ("ingest", "batch") else "-",
                    "batch_size": args.batch_size if kind == "batch" else None,
                    "messages": args.messages,
                    "messages_per_second": round(rate, 1),
                    "ratio_to_stdlib": round(rate / floor, 3),
                    "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in runs),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
