"""``ventanilla poll-imap``: import new mail from the connected mailboxes once."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.channels.mail.imap import poll_mailbox, pollable_mailboxes


class Command(BaseCommand):
    help = "Import new mail over IMAP from every connected mailbox (or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", help="Only this address.")

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = pollable_mailboxes()
        if options["mailbox"]:
            mailboxes = [
                m for m in mailboxes if m.address == options["mailbox"].lower()
            ]
            if not mailboxes:
                raise CommandError(f"no connected IMAP mailbox {options['mailbox']}")
        failed = 0
        for mailbox in mailboxes:
            try:
                report = poll_mailbox(mailbox)
            except Exception as exc:  # one broken server must not stop the others
                failed += 1
                self.stderr.write(f"{mailbox.address}: {exc}")
                continue
            self.stdout.write(json.dumps(report.__dict__))
        if failed:
            raise CommandError(f"{failed} mailbox(es) could not be polled")
