"""`ventanilla serve` answers HTTP with the production server (gunicorn)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> int:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return int(response.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_the_login_page_and_stops_on_sigterm(tmp_path: Path) -> None:
    # given a fresh installation directory
    port = _free_port()
    env = {
        **os.environ,
        "VENTANILLA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE")
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "ventanilla", "migrate", "-v0"],
        env=env,
        check=True,
        timeout=120,
    )

    # when
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ventanilla",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        login = _get(f"http://127.0.0.1:{port}/admin/login/", deadline)
        css = _get(f"http://127.0.0.1:{port}/static/admin/css/base.css", deadline)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)

    # then
    assert (login, css) == (200, 200)
    assert code == 0
