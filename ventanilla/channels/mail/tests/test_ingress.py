"""The four ways in (R-CAP-2), each over its real interface."""

from __future__ import annotations

import io
import json
import smtplib
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import OperationalError

from ventanilla.channels.mail import smtp
from ventanilla.channels.mail.management.commands import ingest_email
from ventanilla.channels.mail.models import InboundMessage, Outcome
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.tickets.models import Ticket


def _pipe(monkeypatch, raw, *args):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("ingest_email", *args, stdout=out, stderr=io.StringIO())
    text = out.getvalue().strip()
    return exit_.value.code, json.loads(text) if text else {}


# -- pipe ---------------------------------------------------------------------


def test_pipe_prints_the_outcome_and_exits_0(finanzas_mailbox, monkeypatch):
    code, output = _pipe(
        monkeypatch,
        build_mail(message_id="<p@a.example>"),
        "--mailbox",
        "Finanzas@generafactoring.pe",
        "-",
    )

    assert code == 0
    ticket = Ticket.objects.get()
    assert output == {
        "outcome": "created",
        "ticket": ticket.number,
        "message_id": "<p@a.example>",
    }


def test_pipe_reads_a_file_and_reports_duplicates(
    finanzas_mailbox, monkeypatch, tmp_path
):
    path = tmp_path / "m.eml"
    path.write_bytes(build_mail())
    _pipe(monkeypatch, b"", "--mailbox", "finanzas@generafactoring.pe", str(path))

    code, output = _pipe(
        monkeypatch, b"", "--mailbox", "finanzas@generafactoring.pe", str(path)
    )

    assert (code, output["outcome"]) == (0, "duplicate")


def test_pipe_keeps_mail_for_an_unknown_mailbox(db, monkeypatch):
    code, output = _pipe(
        monkeypatch, build_mail(), "--mailbox", "nadie@generafactoring.pe"
    )

    assert (code, output["outcome"]) == (0, "quarantined")
    assert InboundMessage.objects.get().outcome == Outcome.QUARANTINED


def test_pipe_exits_75_when_the_message_cannot_be_stored(finanzas_mailbox, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ingest_email, "ingest_raw", down)

    code, output = _pipe(
        monkeypatch, build_mail(), "--mailbox", "finanzas@generafactoring.pe"
    )

    assert code == ingest_email.EX_TEMPFAIL == 75
    assert output == {}


def _batch(folder, *extra):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "ingest_email",
            "--mailbox",
            "finanzas@generafactoring.pe",
            "--batch",
            str(folder),
            *extra,
            stdout=out,
            stderr=err,
        )
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line]
    return exit_.value.code, lines, err.getvalue()


def test_batch_ingests_a_folder_in_name_order_and_reruns_as_duplicates(
    finanzas_mailbox, tmp_path
):
    first = build_mail(message_id="<b1@a.example>", subject="Estado de cuenta")
    reply = build_mail(
        message_id="<b2@a.example>",
        subject="RE: Estado de cuenta",
        in_reply_to="<b1@a.example>",
    )
    (tmp_path / "001.eml").write_bytes(first)
    (tmp_path / "002.eml").write_bytes(reply)
    (tmp_path / "003.eml").write_bytes(first)  # the same message again
    (tmp_path / "004.eml").write_bytes(b"   ")

    code, lines, err = _batch(tmp_path)

    assert code == ingest_email.EX_DATAERR == 65  # the empty file
    assert "empty message: 004.eml" in err
    assert [(x["file"], x["outcome"]) for x in lines] == [
        ("001.eml", "created"),
        ("002.eml", "appended"),
        ("003.eml", "duplicate"),
    ]
    ticket = Ticket.objects.get()
    assert {x["ticket"] for x in lines} == {ticket.number}
    assert InboundMessage.objects.count() == 2

    (tmp_path / "004.eml").unlink()
    code, again, _err = _batch(tmp_path)
    assert code == 0
    assert [x["outcome"] for x in again] == ["duplicate"] * 3
    assert InboundMessage.objects.count() == 2


def test_batch_exits_75_when_messages_cannot_be_stored(
    finanzas_mailbox, tmp_path, monkeypatch
):
    (tmp_path / "a.eml").write_bytes(build_mail())

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ingest_email, "ingest_many", down)

    code, lines, err = _batch(tmp_path)

    assert (code, lines) == (ingest_email.EX_TEMPFAIL, [])
    assert "1 files not stored" in err
    assert not InboundMessage.objects.exists()


def test_batch_refuses_what_is_not_a_folder(db, tmp_path):
    code, lines, err = _batch(tmp_path / "nada")
    assert (code, lines) == (65, [])
    assert "not a folder" in err


def test_pipe_exits_75_when_the_database_is_unreachable(tmp_path):
    # a real process against a PostgreSQL port where nothing listens
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ventanilla",
            "ingest-email",
            "--mailbox",
            "f@x.example",
        ],
        input=build_mail(),
        capture_output=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/x",
            "VENTANILLA_VAR_DIR": str(tmp_path),
        },
    )

    assert result.returncode == 75, result.stderr
    assert b"not stored" in result.stderr


# -- HTTP ---------------------------------------------------------------------


def test_http_hook_takes_a_raw_message(client, finanzas_mailbox):
    response = client.post(
        f"/inbound/email/{finanzas_mailbox.inbound_token}",
        data=build_mail(),
        content_type="message/rfc822",
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "created"
    assert Ticket.objects.get().number == response.json()["ticket"]


@pytest.mark.parametrize(
    ("token", "content_type", "body", "status", "code"),
    [
        ("wrong", "message/rfc822", b"x", 404, "unknown_mailbox"),
        ("", "message/rfc822", b"x", 404, None),
        (None, "application/json", b"{}", 415, "unsupported_media_type"),
        (None, "message/rfc822", b"  ", 400, "empty"),
    ],
)
def test_http_hook_refuses_bad_requests_with_json_errors(
    client, finanzas_mailbox, token, content_type, body, status, code
):
    token = finanzas_mailbox.inbound_token if token is None else token

    response = client.post(
        f"/inbound/email/{token}", data=body, content_type=content_type
    )

    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    assert not InboundMessage.objects.exists()


def test_http_hook_refuses_oversized_messages(client, finanzas_mailbox, settings):
    settings.VENTANILLA_MAX_INBOUND_BYTES = 100

    response = client.post(
        f"/inbound/email/{finanzas_mailbox.inbound_token}",
        data=build_mail(),
        content_type="message/rfc822",
    )

    assert response.status_code == 413


def test_http_hook_only_accepts_post(client, finanzas_mailbox):
    assert (
        client.get(f"/inbound/email/{finanzas_mailbox.inbound_token}").status_code
        == 405
    )


def test_http_hook_answers_503_when_it_cannot_store(
    client, finanzas_mailbox, monkeypatch
):
    from ventanilla.channels.mail import views

    def down(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(views, "ingest_raw", down)

    response = client.post(
        f"/inbound/email/{finanzas_mailbox.inbound_token}",
        data=build_mail(),
        content_type="message/rfc822",
    )

    assert response.status_code == 503


# -- SMTP and LMTP --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def listener(request):
    lmtp = getattr(request, "param", False)
    controller = smtp.make_controller(host="127.0.0.1", port=_free_port(), lmtp=lmtp)
    controller.start()
    yield controller
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_smtp_answers_250_after_the_ticket_is_committed(
    org, finanzas_mailbox, listener
):
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        refused = client.sendmail(
            "jorge.salas@andinas.example", ["finanzas@generafactoring.pe"], build_mail()
        )

    assert refused == {}
    assert Ticket.objects.get().pipeline == org.finanzas


@pytest.mark.django_db(transaction=True)
def test_smtp_refuses_unknown_recipients(finanzas_mailbox, listener):
    with (
        smtplib.SMTP(listener.hostname, listener.port) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("a@b.example", ["nadie@generafactoring.pe"], build_mail())

    assert not InboundMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_smtp_answers_451_when_it_cannot_store(finanzas_mailbox, listener, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(smtp, "ingest_raw", down)

    with (
        smtplib.SMTP(listener.hostname, listener.port) as client,
        pytest.raises(smtplib.SMTPDataError) as error,
    ):
        client.sendmail("a@b.example", ["finanzas@generafactoring.pe"], build_mail())

    assert error.value.smtp_code == 451


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("listener", [True], indirect=True)
def test_lmtp_answers_once_per_recipient(org, finanzas_mailbox, listener):
    from ventanilla.channels.mail.actions import create_mailbox

    create_mailbox(address="cobranza@generafactoring.pe", pipeline=org.cobranzas)
    raw = build_mail().replace(b"\n.", b"\n..")

    # smtplib reads one reply after DATA, so speak LMTP by hand
    with socket.create_connection(
        (listener.hostname, listener.port), timeout=10
    ) as conn:
        replies = conn.makefile("rb")

        def say(line: bytes) -> None:
            conn.sendall(line + b"\r\n")

        def reply():
            while True:
                line = replies.readline()
                if line[3:4] != b"-":
                    return line

        reply()  # greeting
        for command in (
            b"LHLO test.example",
            b"MAIL FROM:<a@andinas.example>",
            b"RCPT TO:<finanzas@generafactoring.pe>",
            b"RCPT TO:<cobranza@generafactoring.pe>",
            b"DATA",
        ):
            say(command)
            reply()
        conn.sendall(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n.\r\n")
        answers = [reply(), reply()]
        say(b"QUIT")

    assert [a[:3] for a in answers] == [b"250", b"250"]
    # the same bytes for two mailboxes are one message: one ticket
    assert Ticket.objects.count() == 1
