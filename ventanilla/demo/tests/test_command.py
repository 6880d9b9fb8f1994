from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import default_task_backend

from ventanilla.demo.launch import site_url
from ventanilla.pipelines.models import StageKind
from ventanilla.routing.models import Rule
from ventanilla.sla.models import TicketSla
from ventanilla.tickets.models import Ticket


@pytest.mark.django_db
def test_demo_without_serving_prepares_data_and_prints_the_logins():
    # given
    out = StringIO()

    # when
    call_command("demo", "--no-serve", "--tickets", "40", stdout=out)

    # then
    assert Ticket.objects.count() == 40
    assert Rule.objects.filter(name__startswith="Inicial FIN").exists()
    printed = out.getvalue()
    assert "http://127.0.0.1:8000/" in printed
    for login in ("admin", "lucia", "rosario", "alejandro", "alonso", "milagros"):
        assert f"  {login} " in printed
    assert "maria.torres@inversionesandinas.example" in printed
    assert "demo1234" in printed


def test_site_url_points_a_browser_at_the_bound_address():
    assert site_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert site_url("0.0.0.0", 9000) == "http://127.0.0.1:9000/"  # noqa: S104
    assert site_url("::1", 8000) == "http://[::1]:8000/"


@pytest.mark.django_db
def test_demo_shows_sla_clocks_before_the_worker_runs(settings):
    # given: jobs are queued, never run, as before the worker starts
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }

    # when
    call_command("demo", "--no-serve", "--tickets", "40", stdout=StringIO())

    # then every ticket has its clocks, and no job was queued per change
    open_tickets = Ticket.objects.exclude(
        stage__kind__in=[StageKind.RESOLVED, StageKind.CLOSED]
    )
    assert open_tickets.exists()
    assert TicketSla.objects.count() == Ticket.objects.count() == 40
    queued = [r.task.name for r in default_task_backend.results]
    assert "recompute_ticket_sla" not in queued
