"""Kill test: ingest a corpus while killing the ingesting process with
SIGKILL at random points, then ingest everything again; afterwards every
message must be in the system exactly once (R-CAP-4).

    .venv/bin/python bench/kill_ingest.py --messages 2000 --kills 25
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ventanilla_kill \\
        .venv/bin/python bench/kill_ingest.py --messages 2000 --kills 25

It exits 0 and prints a JSON summary when the invariant holds, 1 otherwise.
The ingesting child calls the function behind ``ventanilla ingest-email``
for each file (a process per message would spend the run starting Python);
with ``--batch-size N`` it calls the batch path (``ingest_many``) on the
whole corpus instead, N messages per transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The corpus comes from a few dozen senders within minutes: without this the
# storm guard (R-CAP-6) would rightly suppress most of it.
os.environ.setdefault("VENTANILLA_MAIL_STORM_MAX", "1000000")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child(corpus: Path, batch_size: int = 0) -> None:
    """Ingest every file of the corpus, in order."""
    _django()
    from ventanilla.channels.mail.ingest import ingest_many, ingest_raw
    from ventanilla.channels.mail.models import Mailbox, Via
    from ventanilla.channels.mail.queries import mailbox_for_address

    boxes: dict[str, object] = {}
    batch: list[tuple[bytes, Mailbox | None]] = []
    for path in sorted(corpus.glob("*.eml")):
        raw = path.read_bytes()
        to = next(
            line.split(b":", 1)[1].strip().decode()
            for line in raw.splitlines()
            if line.lower().startswith(b"to:")
        )
        if to not in boxes:
            boxes[to] = mailbox_for_address(to)
        if batch_size:
            batch.append((raw, boxes[to]))  # type: ignore[arg-type]
        else:
            ingest_raw(raw, mailbox=boxes[to], via=Via.PIPE)  # type: ignore[arg-type]
    if batch:
        ingest_many(batch, via=Via.IMAP, batch_size=batch_size)


def setup_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ventanilla.channels.mail.actions import create_mailbox
    from ventanilla.directory.actions import create_team
    from ventanilla.pipelines.actions import create_pipeline
    from ventanilla.pipelines.models import StageKind

    stages = [
        ("Nuevo", StageKind.NEW),
        ("En proceso", StageKind.OPEN),
        ("Acción del cliente", StageKind.WAITING_CUSTOMER),
        ("Completado", StageKind.RESOLVED),
        ("Cerrado", StageKind.CLOSED),
    ]
    for name, address in (("Finanzas", "finanzas"), ("Cobranzas", "cobranza")):
        pipeline = create_pipeline(
            name=name, team=create_team(name=name), stages=stages
        )
        create_mailbox(address=f"{address}@generafactoring.pe", pipeline=pipeline)


def check(count: int) -> dict[str, object]:
    from django.db.models import Count

    from ventanilla.channels.mail.models import InboundMessage, Outcome
    from ventanilla.tickets.models import Message

    ids = {f"<corpus-7-{n}@generated.example>" for n in range(count)}
    in_tickets = dict(
        Message.objects.filter(email_message_id__in=ids)
        .values_list("email_message_id")
        .annotate(n=Count("id"))
    )
    rows = dict(
        InboundMessage.objects.values_list("message_id").annotate(n=Count("id"))
    )
    kept_aside = set(
        InboundMessage.objects.filter(
            outcome__in=[Outcome.QUARANTINED, Outcome.SUPPRESSED]
        ).values_list("message_id", flat=True)
    )
    pending = InboundMessage.objects.filter(outcome=Outcome.RECEIVED).count()
    missing = sorted(i for i in ids if i not in in_tickets and i not in kept_aside)
    doubled = sorted(i for i, n in in_tickets.items() if n > 1)
    doubled += sorted(i for i, n in rows.items() if n > 1)
    both = sorted(i for i in ids if i in in_tickets and i in kept_aside)
    return {
        "messages": count,
        "in_tickets": len(in_tickets),
        "quarantined_or_suppressed": len(kept_aside),
        "pending": pending,
        "missing": missing[:10],
        "duplicated": doubled[:10],
        "in_both": both[:10],
        "ok": not missing and not doubled and not both and pending == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-wait", type=float, default=2.5, help="Longest run before a kill (s)."
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=0,
        help="Use the batch path, N messages per transaction (0: one by one).",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.batch_size)
        return 0

    from corpus import generate

    workdir = Path(tempfile.mkdtemp(prefix="ventanilla-kill-"))
    os.environ.setdefault("VENTANILLA_VAR_DIR", str(workdir / "var"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'var' / 'kill.sqlite3'}"
    scratch = (
        _scratch_postgres()
        if os.environ["DATABASE_URL"].startswith("postgres")
        else None
    )
    _django()
    setup_database()
    corpus = generate(workdir / "corpus", args.messages)[0].parent

    rng = random.Random(args.seed)
    command = [
        sys.executable,
        __file__,
        "--child",
        str(corpus),
        "--batch-size",
        str(args.batch_size),
    ]
    started = time.monotonic()
    kills = 0
    while kills < args.kills:
        process = subprocess.Popen(command)
        time.sleep(rng.uniform(0.1, args.max_wait))
        if process.poll() is not None:
            break  # finished the whole corpus before the kill
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
    subprocess.run(command, check=True)  # the rerun of everything
    summary = check(args.messages)
    summary.update(
        kills=kills,
        seconds=round(time.monotonic() - started, 1),
        database=os.environ["DATABASE_URL"].split(":")[0],
        batch_size=args.batch_size,
    )
    print(json.dumps(summary, indent=2))
    if scratch:
        from django.db import connections

        connections.close_all()
        scratch()
    return 0 if summary["ok"] else 1


def _scratch_postgres() -> Callable[[], None]:
    """Point DATABASE_URL at a new throw-away database; return its dropper."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, _sep, _name = url.rpartition("/")
    name = f"ventanilla_kill_{os.getpid()}"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"{base}/{name}"

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return drop


if __name__ == "__main__":
    sys.exit(main())
