"""Webhooks delivered to a real HTTP server on this machine, signed, with
retries; and the guard that keeps them off private addresses by default."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone

from ventanilla.tickets import actions as tickets
from ventanilla.tickets.models import Channel, EventKind, Ticket
from ventanilla.webhooks import jobs
from ventanilla.webhooks.guard import AddressRefused, resolve
from ventanilla.webhooks.models import Delivery, DeliveryStatus, Subscription
from ventanilla.webhooks.signing import HEADER, verify


@dataclass
class Receiver:
    """A stdlib HTTP server that records what it is sent and answers with
    the next status of ``statuses`` (200 when they run out)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            )
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ventanilla"
    yield state
    server.shutdown()
    server.server_close()


def _subscribe(url: str, *events: str) -> Subscription:
    return Subscription.objects.create(name="ERP", url=url, events=list(events))


@override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True)
def test_ticket_created_is_posted_signed_to_the_subscriber(
    receiver: Receiver,
    org: Any,
    requester: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    subscription = _subscribe(receiver.url, "ticket.created")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        ticket = tickets.open_ticket(
            subject="Consulta de saldo",
            pipeline=org.finanzas,
            channel=Channel.API,
            actor=requester,
            requester=requester,
            body_text="Hola",
        )
    # then
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request["path"] == "/hooks/ventanilla"
    assert verify(subscription.secret, request["headers"][HEADER], request["body"])
    assert not verify("other-secret", request["headers"][HEADER], request["body"])
    payload = json.loads(request["body"])
    assert payload["event"] == "ticket.created"
    assert payload["ticket"]["number"] == ticket.number
    assert request["headers"]["X-Ventanilla-Event"] == "ticket.created"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_status) == (
        DeliveryStatus.SUCCEEDED,
        200,
    )
    assert str(delivery.event_id) == request["headers"]["X-Ventanilla-Delivery"]


@override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True)
def test_events_map_to_subscribed_names_only(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    _subscribe(receiver.url, "message.created", "ticket.sla_breached")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="Revisar")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.assign(ticket, actor=rosario, owner=rosario)  # ticket.updated
    with django_capture_on_commit_callbacks(execute=True):
        tickets.record_event(
            ticket, actor=rosario, kind=EventKind.SLA_BREACHED, field="sla"
        )
    # then
    events = [json.loads(r["body"])["event"] for r in receiver.received]
    assert events == ["message.created", "ticket.sla_breached"]
    first = json.loads(receiver.received[0]["body"])
    assert first["message"]["body_text"] == "Revisar"


@override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True)
def test_rolled_back_action_sends_nothing(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    org: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from ventanilla.core.errors import ActionRefused
    from ventanilla.pipelines.models import StageKind
    from ventanilla.tickets.tests.factories import stage

    _subscribe(receiver.url, "ticket.updated")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionRefused):
        tickets.change_stage(
            ticket, stage=stage(org.finanzas, StageKind.OPEN), actor=rosario
        )
    assert receiver.received == []
    assert not Delivery.objects.exists()


@override_settings(
    VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True,
    VENTANILLA_WEBHOOKS_MAX_ATTEMPTS=3,
    VENTANILLA_WEBHOOKS_RETRY_BASE_SECONDS=30,
)
def test_failures_retry_with_exponential_backoff_then_give_up(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    receiver.statuses = [500, 503, 500]
    _subscribe(receiver.url, "message.created")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="x")
    first = Delivery.objects.get()
    # then
    assert (first.status, first.response_status) == (DeliveryStatus.FAILED, 500)
    assert first.next_attempt_at is not None
    wait = first.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=25) < wait <= dt.timedelta(seconds=30)
    assert jobs.retry_due_deliveries(timezone.now()) == 0  # not due yet
    # when
    later = timezone.now() + dt.timedelta(seconds=31)
    assert jobs.retry_due_deliveries(later) == 1
    assert jobs.retry_due_deliveries(later) == 0  # taken once
    second = Delivery.objects.get(attempt=2)
    assert (second.status, second.response_status) == (DeliveryStatus.FAILED, 503)
    assert second.next_attempt_at is not None
    assert second.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)
    assert jobs.retry_due_deliveries(later + dt.timedelta(seconds=61)) == 1
    # then
    third = Delivery.objects.get(attempt=3)
    assert third.status == DeliveryStatus.GAVE_UP
    assert third.next_attempt_at is None
    assert len(receiver.received) == 3
    assert {r["headers"]["X-Ventanilla-Delivery"] for r in receiver.received} == {
        str(first.event_id)
    }


@override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True)
def test_retry_succeeds_after_a_failure(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.statuses = [500]
    _subscribe(receiver.url, "message.created")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="x")
    jobs.retry_due_deliveries(timezone.now() + dt.timedelta(hours=1))
    assert list(
        Delivery.objects.order_by("attempt").values_list("attempt", "status")
    ) == [(1, DeliveryStatus.FAILED), (2, DeliveryStatus.SUCCEEDED)]


@override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True)
def test_unreachable_subscriber_is_logged_as_failed(
    ticket: Ticket, rosario: User, django_capture_on_commit_callbacks: Any
) -> None:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    _subscribe(f"http://127.0.0.1:{port}/", "message.created")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="x")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "ConnectionRefused" in delivery.error


# -- the guard ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/x",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.1.10/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "ftp://93.184.216.34/",
        "file:///etc/passwd",
        "http:///nohost",
    ],
)
def test_guard_refuses_local_private_and_link_local_addresses(url: str) -> None:
    with pytest.raises(AddressRefused):
        resolve(url)


def test_guard_accepts_a_public_address() -> None:
    target = resolve("https://93.184.216.34:8443/hook?x=1")
    assert (target.address, target.port, target.path) == (
        "93.184.216.34",
        8443,
        "/hook?x=1",
    )


def test_delivery_to_loopback_is_refused_by_default_and_never_sent(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _subscribe(receiver.url, "message.created")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="x")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.REFUSED
    assert "127.0.0.1" in delivery.error
    assert delivery.next_attempt_at is None
    assert receiver.received == []


def test_sending_twice_sends_once(
    receiver: Receiver,
    ticket: Ticket,
    rosario: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from ventanilla.webhooks.actions import send

    with override_settings(VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True):
        _subscribe(receiver.url, "message.created")
        with django_capture_on_commit_callbacks(execute=True):
            tickets.add_note(ticket, author=rosario, body_text="x")
        assert send(Delivery.objects.get().pk) is None
    assert len(receiver.received) == 1


def test_no_subscription_no_job(
    ticket: Ticket, rosario: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_note(ticket, author=rosario, body_text="x")
    assert not Delivery.objects.exists()


@override_settings(
    TASKS={
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
)
def test_fan_out_jobs_follow_the_subscriptions_as_they_change(
    ticket: Ticket, rosario: User
) -> None:
    from django_tasks_db.models import DBTaskResult

    def fan_outs() -> int:
        note = "ventanilla.webhooks.jobs.dispatch"
        return DBTaskResult.objects.filter(task_path=note).count()

    # nobody subscribes: an action queues no fan-out (the answer is kept)
    tickets.add_note(ticket, author=rosario, body_text="uno")
    tickets.add_note(ticket, author=rosario, body_text="dos")
    assert fan_outs() == 0
    # a subscription is seen by the next action
    subscription = _subscribe("https://erp.example/hook", "message.created")
    tickets.add_note(ticket, author=rosario, body_text="tres")
    assert fan_outs() == 1
    # and so is its end
    subscription.is_active = False
    subscription.save()
    tickets.add_note(ticket, author=rosario, body_text="cuatro")
    assert fan_outs() == 1


@override_settings(
    VENTANILLA_WEBHOOKS_ALLOW_PRIVATE=True,
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
)
def test_failed_attempt_is_requeued_for_its_due_time_on_a_deferring_backend(
    receiver: Receiver, ticket: Ticket, rosario: User
) -> None:
    from django_tasks import default_task_backend

    from ventanilla.webhooks.actions import dispatch_ticket_event

    # given: a failing subscriber, and a backend that can run jobs later
    receiver.statuses = [500]
    _subscribe(receiver.url, "message.created")
    tickets.add_note(ticket, author=rosario, body_text="x")
    event = ticket.events.get(kind=EventKind.NOTE_ADDED)
    [delivery_id] = dispatch_ticket_event(event.pk)
    # when
    assert jobs.deliver.call(delivery_id) == DeliveryStatus.FAILED
    # then
    queued = [r for r in default_task_backend.results if r.task.name == "retry"]
    assert len(queued) == 1
    assert queued[0].args == [delivery_id]
    assert queued[0].task.run_after == Delivery.objects.get().next_attempt_at
