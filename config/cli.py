"""The ``ventanilla`` console script.

Product commands are Django management commands with a dashed name; any other
Django command (``migrate``, ``createsuperuser``...) passes through, so one
entry point serves operators.
"""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, str] = {
    "demo": "Create the demo organisation on the embedded database and serve it",
    "serve": "Serve the web application (gunicorn)",
    "worker": "Run background jobs and the scheduler (SLA, auto-close, reviews, IMAP)",
    "ingest-email": "Take one raw message from an MTA pipe: --mailbox ADDRESS [FILE|-]",
    "smtpd": "Receive mail over SMTP or LMTP into tickets",
    "poll-imap": "Import new mail from the connected IMAP mailboxes once",
    "mail-report": "Mail per mailbox against tickets; messages without a ticket",
    "create-token": "Create a personal API token: --user NAME [--scope read|write]",
    "migrate": "Create or update the database tables",
    "createsuperuser": "Create an administrator account",
    "manage": "Run any Django management command: ventanilla manage <command> ...",
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: ventanilla <command> [options]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "Run 'ventanilla <command> --help' for the options of a command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())  # noqa: T201
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    command, rest = args[0], args[1:]
    if command == "manage":
        if not rest:
            execute_from_command_line(["ventanilla", "help"])
            return
        command, rest = rest[0], rest[1:]
    execute_from_command_line(["ventanilla", command.replace("-", "_"), *rest])
