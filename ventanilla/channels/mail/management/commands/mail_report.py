"""``ventanilla mail-report``: mailboxes against tickets (R-CAP-5)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ventanilla.channels.mail.queries import (
    RECONCILIATION_COLUMNS,
    quarantined,
    reconciliation,
)


class Command(BaseCommand):
    help = "Mail received per mailbox, what became of it, and what has no ticket."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("  ".join(RECONCILIATION_COLUMNS))
        for counts in reconciliation():
            self.stdout.write("  ".join(str(counts[c]) for c in RECONCILIATION_COLUMNS))
        self.stdout.write("\nmessages without a ticket message:")
        for inbound in quarantined()[: options["limit"]]:
            ticket = f"#{inbound.ticket.number}" if inbound.ticket else "-"
            self.stdout.write(
                f"{inbound.received_at:%Y-%m-%d %H:%M} {inbound.outcome:<11} "
                f"{ticket:<7} {inbound.sender} | {inbound.subject} | {inbound.reason}"
            )
