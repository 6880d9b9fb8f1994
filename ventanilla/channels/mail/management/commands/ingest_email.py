"""``ventanilla ingest-email``: the MTA pipe (e.g. a Postfix transport).

Exit status follows sendmail's conventions: 0 once the raw message is
stored (whatever became of it), 75 (EX_TEMPFAIL) when it could not be
stored, so the MTA keeps it and retries; nothing is lost either way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ventanilla.channels.mail.ingest import ingest_raw
from ventanilla.channels.mail.models import Via
from ventanilla.channels.mail.queries import mailbox_for_address

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one raw message (RFC 5322) from a file or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mailbox", required=True, help="The address it was sent to."
        )
        parser.add_argument(
            "file", nargs="?", default="-", help="A file, or - for stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
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
