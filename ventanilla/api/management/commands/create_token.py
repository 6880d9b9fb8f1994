"""``ventanilla create-token --user USERNAME [--scope read|write] [--name N]``"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ventanilla.api.actions import create_token
from ventanilla.api.models import Scope


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username of the owner")
        parser.add_argument(
            "--scope", choices=[s.value for s in Scope], default=Scope.READ.value
        )
        parser.add_argument("--name", default="CLI", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['user']!r}")
        issued = create_token(user, name=options["name"], scope=Scope(options["scope"]))
        self.stdout.write(issued.plaintext)
