from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.env import env_bool, env_int, env_secret
from config.settings import _database


def test_sqlite_urls_get_wal_immediate_transactions_and_busy_timeout(tmp_path):
    config = _database(f"sqlite:///{tmp_path}/sub/db.sqlite3")

    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout=5000" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()


def test_postgres_urls_use_psycopg():
    config = _database("postgres://postgres@127.0.0.1:5432/ventanilla")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "ventanilla"


def test_unsupported_database_is_refused():
    with pytest.raises(ImproperlyConfigured):
        _database("mysql://root@localhost/x")


@pytest.mark.django_db
def test_the_sqlite_connection_really_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_typed_env_helpers_refuse_bad_values(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET", "") == "s3cr3t"


@pytest.mark.parametrize("argv", [["-m", "ventanilla", "--help"], ["-m", "ventanilla"]])
def test_command_line_lists_the_commands(argv):
    result = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, check=True, timeout=60
    )

    for command in ("demo", "serve", "migrate", "manage"):
        assert command in result.stdout


def test_command_line_passes_django_commands_through():
    result = subprocess.run(
        [sys.executable, "-m", "ventanilla", "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
