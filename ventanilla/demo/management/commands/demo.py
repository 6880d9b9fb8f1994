"""``ventanilla demo``: the seed organisation, running, in one command."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ventanilla.demo.launch import (
    entry_points,
    login_table,
    prepare_demo,
    serve_demo,
    site_url,
)


class Command(BaseCommand):
    help = (
        "Create the demo organisation and its tickets on the configured "
        "database (the embedded SQLite file by default) and serve it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Prepare the data and print the logins, without serving.",
        )
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to serve on (127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to serve on (8000)."
        )
        parser.add_argument(
            "--smtp-port",
            type=int,
            default=2525,
            help="Port of the demo's SMTP listener (2525; 0: none).",
        )
        parser.add_argument(
            "--tickets",
            type=int,
            default=320,
            help="How many tickets the demo should have (default: 320).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(_("Preparing the demo organisation…"))
        prepared = prepare_demo(tickets=options["tickets"])
        count = prepared.tickets_created
        self.stdout.write(
            ngettext(
                "%(count)d ticket created; ready in %(seconds).1f s.",
                "%(count)d tickets created; ready in %(seconds).1f s.",
                count,
            )
            % {"count": count, "seconds": prepared.seconds}
        )
        url = site_url(options["host"], options["port"])
        self.stdout.write("")
        self.stdout.write(_("Ventanilla demo: %(url)s") % {"url": url})
        self.stdout.write(entry_points(url))
        self.stdout.write("")
        self.stdout.write(login_table())
        self.stdout.write("")
        if options["smtp_port"]:
            server = f"{options['host']}:{options['smtp_port']}"
            command = (
                f"swaks --server {server} --to finanzas@generafactoring.pe"
                " --from cliente@example.test"
            )
            self.stdout.write(
                _("Mail to the demo mailboxes: %(command)s") % {"command": command}
            )
            self.stdout.write("")
        if options["no_serve"]:
            return
        self.stdout.write(_("Press Ctrl-C to stop."))
        self.stdout.flush()
        serve_demo(options["host"], options["port"], smtp_port=options["smtp_port"])
