"""The steps of ``ventanilla demo`` before serving: an up-to-date database
with the demo organisation and its tickets, and what to tell the newcomer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connections
from django.utils.translation import gettext as _

from ventanilla.channels.webform.demo import DEMO_FORM_KEY, install_demo_web_form
from ventanilla.core.serving import serve
from ventanilla.demo.organisation import (
    DEMO_PASSWORD,
    build_organisation,
    demo_logins,
)
from ventanilla.demo.tickets import generate_tickets
from ventanilla.jobs.runner import start_worker_process, stop_worker_process
from ventanilla.pipelines.models import StageKind
from ventanilla.routing.demo import install_demo_rules
from ventanilla.routing.models import Rule
from ventanilla.sla.actions import recompute_all, recompute_many
from ventanilla.sla.demo import install_demo_sla
from ventanilla.tickets.actions import gather_sla_recomputes
from ventanilla.tickets.models import Ticket


@dataclass(frozen=True)
class Prepared:
    tickets_created: int
    seconds: float


def prepare_demo(*, tickets: int) -> Prepared:
    """Migrate, collect static files, build the organisation, its routing
    rules and its tickets.

    Every step is idempotent, so starting the demo again keeps its data.
    """
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    build_organisation()
    # Rules an administrator has since edited are theirs to keep.
    if not Rule.objects.exists():
        install_demo_rules()
    install_demo_sla()
    install_demo_web_form()
    # The generated history would queue one SLA job per change (thousands);
    # its tickets are computed here in one pass instead: the ones it left
    # resolved or closed once, and every open one at every start (their
    # clocks ran while the demo was off), so the first page already shows
    # time left and breaches.
    with gather_sla_recomputes() as changed:
        created = generate_tickets(tickets)
    settled = Ticket.objects.filter(
        pk__in=list(changed), stage__kind__in=(StageKind.RESOLVED, StageKind.CLOSED)
    ).values_list("pk", flat=True)
    recompute_many(sorted(settled))
    recompute_all()
    return Prepared(created, time.monotonic() - started)


def serve_demo(host: str, port: int, *, smtp_port: int = 0) -> None:
    """Serve the demo with the production server until Ctrl-C or SIGTERM,
    with the SMTP listener beside it so that mail sent to the demo's
    mailboxes becomes tickets (``swaks --server 127.0.0.1:2525 ...``)."""
    # The worker runs the lifecycle jobs (auto-close, SLA, review digests)
    # and sends mail; the demo's mail goes to files under var/sent-mail.
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }
    worker = start_worker_process(env=env)
    helpers = []
    if smtp_port:
        helpers.append(
            subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "ventanilla",
                    "smtpd",
                    "--host",
                    host,
                    "--port",
                    str(smtp_port),
                ]
            )
        )
    # The server's worker is a forked process: it must not inherit this
    # process's database connections.
    connections.close_all()
    try:
        # One worker: the embedded SQLite database serialises writes anyway.
        serve(host=host, port=port, workers=1, threads=4)
    finally:
        for helper in helpers:
            helper.terminate()
        for helper in helpers:
            helper.wait(timeout=10)
        stop_worker_process(worker)


def site_url(host: str, port: int) -> str:
    # A wildcard address is not one a browser can open.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def entry_points(url: str) -> str:
    """Where customers come in: the portal and the embeddable web form."""
    base = url.rstrip("/")
    rows = [
        (_("Customer portal"), f"{base}/portal/"),
        (_("Web form"), f"{base}/forms/{DEMO_FORM_KEY}/"),
        (_("Web form script"), f"{base}/forms/{DEMO_FORM_KEY}/embed.js"),
    ]
    width = max(len(label) for label, _url in rows)
    return "\n".join(f"  {label.ljust(width)}  {link}" for label, link in rows)


def login_table() -> str:
    """The demo accounts, one per line, aligned for a terminal."""
    rows = [(_("User"), _("Password"), _("Who"))]
    rows += [
        (username, DEMO_PASSWORD, f"{name} — {what}")
        for username, name, what in demo_logins()
    ]
    width = [max(len(row[column]) for row in rows) for column in range(2)]
    return "\n".join(
        f"  {user.ljust(width[0])}  {password.ljust(width[1])}  {who}"
        for user, password, who in rows
    )
