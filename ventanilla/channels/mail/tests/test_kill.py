"""The kill test of bench/kill_ingest.py at a small scale, on every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_killed_ingestion_loses_and_duplicates_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.pop("DATABASE_URL", None)  # SQLite: the bench uses its own files
    env["VENTANILLA_VAR_DIR"] = str(tmp_path)

    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "kill_ingest.py"),
            "--messages",
            "120",
            "--kills",
            "4",
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["ok"] is True
    assert summary["in_tickets"] + summary["quarantined_or_suppressed"] == 120
    assert summary["kills"] >= 1
