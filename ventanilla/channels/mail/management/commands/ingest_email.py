"""``ventanilla ingest-email``: the MTA pipe (e.g. a Postfix transport).

Exit status follows sendmail's conventions: 0 once the raw message is
stored (whatever became of it), 75 (EX_TEMPFAIL) when it could not be
stored, so the MTA keeps it and retries; nothing is lost either way.

``--batch DIR`` ingests every file of a folder (a maildir's ``cur`` or
``new``, or exported ``.eml`` files), in name order, through the batch
path: each chunk of files is stored first, then processed in shared
transactions. One JSON line per file, with its name. Running it again is
safe: what was stored already comes back as a duplicate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ventanilla.channels.mail.ingest import ingest_many, ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.queries import mailbox_for_address

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
# Files read, stored and processed together by --batch (memory: this many
# raw messages at once).
BATCH_FILES = 200


class Command(BaseCommand):
    help = "Ingest one raw message (RFC 5322) from a file or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mailbox", required=True, help="The address it was sent to."
        )
        parser.add_argument(
            "file", nargs="?", default="-", help="A file, or - for stdin."
        )
        parser.add_argument(
            "--batch",
            metavar="DIR",
            help="Ingest every file of DIR instead (one JSON line per file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"]:
            sys.exit(self._batch(Path(options["batch"]), options["mailbox"]))
        source = options["file"]
        try:
            raw = (
                sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
            )
        except OSError as exc:
            self.stderr.write(f"cannot read {source}: {exc}")
            sys.exit(EX_TEMPFAIL)
        if not raw.strip():
            self.stderr.write("empty message")
            sys.exit(EX_DATAERR)
        try:
            mailbox = mailbox_for_address(options["mailbox"])
            result = ingest_raw(raw, mailbox=mailbox, via=Via.PIPE)
        except Exception as exc:  # the message was not stored: let the MTA retry
            self.stderr.write(f"temporary failure, message not stored: {exc}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(json.dumps(result.as_json()))
        sys.exit(EX_OK)

    def _batch(self, folder: Path, address: str) -> int:
        """Exit status: 0 when every file was stored, 65 when some were
        empty or unreadable (reported and left alone), 75 when storing
        failed (the files of that chunk and after are left for a rerun)."""
        if not folder.is_dir():
            self.stderr.write(f"not a folder: {folder}")
            return EX_DATAERR
        files = sorted(p for p in folder.iterdir() if p.is_file())
        status = EX_OK
        for start in range(0, len(files), BATCH_FILES):
            chunk: list[tuple[Path, bytes]] = []
            for path in files[start : start + BATCH_FILES]:
                try:
                    raw = path.read_bytes()
                except OSError as exc:
                    self.stderr.write(f"cannot read {path.name}: {exc}")
                    status = EX_DATAERR
                    continue
                if not raw.strip():
                    self.stderr.write(f"empty message: {path.name}")
                    status = EX_DATAERR
                    continue
                chunk.append((path, raw))
            try:
                mailbox = mailbox_for_address(address)
                results = ingest_many(
                    [(raw, mailbox) for _path, raw in chunk], via=Via.PIPE
                )
            except Exception as exc:  # not stored: nothing of this chunk counts
                self.stderr.write(
                    f"temporary failure, {len(files) - start} files not stored: {exc}"
                )
                return EX_TEMPFAIL
            for (path, _raw), result in zip(chunk, results, strict=True):
                self.stdout.write(json.dumps({"file": path.name, **result.as_json()}))
        return status
