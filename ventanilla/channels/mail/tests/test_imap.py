"""IMAP polling against a real server: Dovecot started by the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from imapclient import IMAPClient

from ventanilla.channels.mail.actions import set_imap
from ventanilla.channels.mail.imap import IMPORTED_FLAG, poll_mailbox
from ventanilla.channels.mail.models import InboundMessage, Mailbox
from ventanilla.channels.mail.tests.builders import build_mail
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.skipif(
    shutil.which("dovecot") is None,
    reason="needs Debian's dovecot-imapd (scripts/test)",
)

USER, PASSWORD = "finanzas@generafactoring.pe", "secreto"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _open_up(path: Path) -> None:
    """Dovecot's helpers run as other users: every parent must be traversable."""
    for part in [path, *path.parents]:
        if part == Path("/"):
            break
        os.chmod(part, os.stat(part).st_mode | 0o755)


@pytest.fixture
def imap_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("dovecot")
    _open_up(root)
    (root / "mail").mkdir()
    shutil.chown(root / "mail", "mail", "mail")
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
first_valid_uid = 8
mail_location = maildir:{root}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
"""
    )
    process = subprocess.Popen(["dovecot", "-F", "-c", str(config)])
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def _client(port: int) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
    client.login(USER, PASSWORD)
    return client


def _connect(mailbox: Mailbox, port: int, **options) -> Mailbox:
    return set_imap(
        mailbox,
        host="127.0.0.1",
        port=port,
        ssl=False,
        username=USER,
        password=PASSWORD,
        **options,
    )


@pytest.fixture
def mailbox(finanzas_mailbox, imap_server) -> Mailbox:
    return _connect(finanzas_mailbox, imap_server)


def _deliver(port: int, *messages: bytes, folder: str = "INBOX") -> None:
    with _client(port) as client:
        for raw in messages:
            client.append(folder, raw)


def test_poll_imports_new_mail_then_flags_it(mailbox, imap_server):
    # given
    _deliver(imap_server, build_mail(subject="Uno"), build_mail(subject="Dos"))

    # when
    report = poll_mailbox(mailbox)

    # then
    assert (report.fetched, report.outcomes) == (2, {"created": 2})
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Dos", "Uno"]
    with _client(imap_server) as client:
        client.select_folder("INBOX")
        flags = client.get_flags(client.search("ALL"))
    assert all(IMPORTED_FLAG in f and b"\\Seen" in f for f in flags.values())

    # and a second poll finds nothing new
    assert poll_mailbox(mailbox).fetched == 0
    assert Ticket.objects.count() == 2


def test_poll_moves_imported_mail_when_a_done_folder_is_set(mailbox, imap_server):
    with _client(imap_server) as client:
        client.create_folder("Importados")
    mailbox = _connect(mailbox, imap_server, done_folder="Importados")
    _deliver(imap_server, build_mail())

    poll_mailbox(mailbox)

    with _client(imap_server) as client:
        assert client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"] == 0
        assert client.folder_status("Importados", ["MESSAGES"])[b"MESSAGES"] == 1


def test_a_message_is_marked_only_after_it_is_committed(
    mailbox, imap_server, monkeypatch
):
    # given a storage failure while ingesting the fetched batch
    from ventanilla.channels.mail import imap

    _deliver(imap_server, build_mail(subject="Uno"), build_mail(subject="Dos"))
    real = imap.ingest_many

    def down(messages, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(imap, "ingest_many", down)

    # when
    with pytest.raises(RuntimeError):
        poll_mailbox(mailbox)

    # then nothing is marked; the next poll takes both
    with _client(imap_server) as client:
        client.select_folder("INBOX")
        flagged = client.search(["KEYWORD", IMPORTED_FLAG.decode()])
    assert flagged == []
    monkeypatch.setattr(imap, "ingest_many", real)
    mailbox.refresh_from_db()
    assert poll_mailbox(mailbox).fetched == 2
    assert Ticket.objects.count() == 2
    with _client(imap_server) as client:
        client.select_folder("INBOX")
        assert len(client.search(["KEYWORD", IMPORTED_FLAG.decode()])) == 2


def test_a_new_uidvalidity_starts_over_without_duplicates(mailbox, imap_server):
    # given one message imported from a folder
    with _client(imap_server) as client:
        client.create_folder("Entrada")
    mailbox = _connect(mailbox, imap_server, folder="Entrada")
    first = build_mail(subject="Uno")
    _deliver(imap_server, first, folder="Entrada")
    poll_mailbox(mailbox)

    # when the folder is recreated (new UIDVALIDITY, UIDs start again at 1)
    # with the old message, unflagged, and a new one
    with _client(imap_server) as client:
        client.delete_folder("Entrada")
        client.create_folder("Entrada")
    _deliver(imap_server, first, build_mail(subject="Dos"), folder="Entrada")
    report = poll_mailbox(mailbox)

    # then both are read again; the known one is a duplicate
    assert report.uidvalidity_reset
    assert report.outcomes == {"duplicate": 1, "created": 1}
    assert Ticket.objects.count() == 2
    assert InboundMessage.objects.count() == 2
