"""``ventanilla smtpd``: receive mail over SMTP (or LMTP) into tickets."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ventanilla.channels.mail.smtp import make_controller


class Command(BaseCommand):
    help = "Listen for mail over SMTP or LMTP and turn it into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument(
            "--lmtp", action="store_true", help="Speak LMTP instead of SMTP."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        controller = make_controller(
            host=options["host"], port=options["port"], lmtp=options["lmtp"]
        )
        controller.start()
        protocol = "LMTP" if options["lmtp"] else "SMTP"
        self.stdout.write(
            f"{protocol} listening on {options['host']}:{options['port']}"
        )
        try:
            stop.wait()
        finally:
            controller.stop()
