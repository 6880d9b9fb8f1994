"""Rate-limit counts: exact across processes in files, per window, swept."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from django.test import override_settings

from ventanilla.core import ratelimit

FILES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/nonexistent-never-used",
    }
}


def _hammer(var_dir: str, calls: int, now: float) -> None:
    with override_settings(VAR_DIR=Path(var_dir), CACHES=FILES):
        for _ in range(calls):
            ratelimit.hit("api:t1", 60, now)


@pytest.fixture
def files(tmp_path: Path):
    with override_settings(VAR_DIR=tmp_path, CACHES=FILES):
        yield tmp_path


def test_workers_counting_at_once_lose_no_call(files: Path) -> None:
    # given four processes counting the same caller in the same minute
    now = 1_800_000_000.0
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_hammer, args=(str(files), 250, now)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    # then every call counted once
    assert ratelimit.hit("api:t1", 60, now).calls == 1001


def test_a_new_window_starts_from_one_and_says_when_it_ends(files: Path) -> None:
    first = ratelimit.hit("webform:a", 600, 1_800_000_001.0)
    second = ratelimit.hit("webform:a", 600, 1_800_000_500.0)
    other_caller = ratelimit.hit("webform:b", 600, 1_800_000_500.0)
    later = ratelimit.hit("webform:a", 600, 1_800_000_601.0)
    assert (first.calls, second.calls, other_caller.calls, later.calls) == (1, 2, 1, 1)
    assert first.window_ends == 1_800_000_600.0
    assert later.window_ends == 1_800_001_200.0


def test_callers_not_seen_for_two_days_are_swept(files: Path) -> None:
    ratelimit.hit("api:old", 60, time.time())
    ratelimit.hit("api:new", 60, time.time())
    unseen, seen = sorted(ratelimit.directory().iterdir())
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(unseen, (three_days_ago, three_days_ago))
    assert ratelimit.sweep(dt.datetime.now(dt.UTC)) == 1
    assert list(ratelimit.directory().iterdir()) == [seen]


def test_a_shared_cache_counts_there(db: None, tmp_path: Path) -> None:
    # the tests' settings: a local-memory cache, as a shared one would be
    with override_settings(VAR_DIR=tmp_path):
        counts = [ratelimit.hit("api:u9", 60, 1_800_000_000.0).calls for _ in range(3)]
        assert counts == [1, 2, 3]
        assert ratelimit.hit("api:u9", 60, 1_800_000_060.0).calls == 1
    assert not (tmp_path / "rate").exists()
