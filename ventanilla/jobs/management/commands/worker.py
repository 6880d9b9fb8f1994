from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from ventanilla.jobs.runner import run_worker


class Command(BaseCommand):
    help = (
        "Run background jobs (django-tasks-db) and the periodic scheduler "
        "(SLA scan, auto-close, review digests) until SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks at an empty job queue (default 1).",
        )
        parser.add_argument(
            "--scheduler-interval",
            type=float,
            default=15.0,
            help="Seconds between scheduler passes (default 15).",
        )
        parser.add_argument(
            "--queue-name",
            default="default",
            help="Queues to serve, comma-separated (default: default).",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="Unique name of this worker (default: random).",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run queued jobs.",
        )
        parser.add_argument(
            "--only-scheduler",
            action="store_true",
            help="Only run the scheduler (jobs run elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks import task_backends
        from django_tasks_db.backend import DatabaseBackend

        if options["no_scheduler"] and options["only_scheduler"]:
            raise CommandError("--no-scheduler and --only-scheduler exclude each other")
        if not options["only_scheduler"] and not isinstance(
            task_backends["default"], DatabaseBackend
        ):
            raise CommandError(
                "the worker needs TASKS to use django_tasks_db.DatabaseBackend"
            )
        worker_id = options["worker_id"] or f"worker-{get_random_string(12)}"
        self.stdout.write(f"worker {worker_id} started")
        run_worker(
            worker_id=worker_id,
            interval=options["interval"],
            scheduler_interval=options["scheduler_interval"],
            queue_names=options["queue_name"].split(","),
            with_scheduler=not options["no_scheduler"],
            with_tasks=not options["only_scheduler"],
        )
        self.stdout.write(f"worker {worker_id} stopped")
