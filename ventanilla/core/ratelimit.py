"""Calls counted per caller in fixed windows, shared by every process.

The API (per token or session user, per minute) and the web form (per
address and sender, per configured window) refuse a caller past its limit.
The counts must be shared by the server's workers:

- With a shared cache configured (``CACHE_BACKEND``: Redis, Memcached),
  they live there: ``add`` then ``incr``, both atomic in those caches.
- With the default file cache they live in a small file per caller under
  ``VAR_DIR/rate``, locked while it is counted. Django's file cache is not
  used for them: its ``incr`` reads then writes (two workers can count the
  same call number), and every write lists the whole cache directory to
  cull it, which cost 1.2 ms of each API call (``bench/RESULTS.md``).

The periodic ``rate_sweep`` job deletes the files of callers not seen for
``SWEEP_AFTER`` (longer than any window).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

SWEEP_AFTER = dt.timedelta(days=2)
_RECORD = struct.Struct("<qq")  # window number, calls counted in it


@dataclass(frozen=True)
class Count:
    calls: int  # in the current window, this one included
    window_ends: float  # a Unix time


def hit(key: str, seconds: int, now: float) -> Count:
    """Count one call of ``key`` in its current window of ``seconds``
    (windows start at multiples of ``seconds`` since the epoch)."""
    window = int(now // seconds)
    ends = float((window + 1) * seconds)
    if _in_files():
        return Count(_hit_file(key, window), ends)
    name = f"rate:{key}:{window}"
    timeout = int(ends - now) + 1
    if cache.add(name, 1, timeout):
        return Count(1, ends)
    try:
        return Count(int(cache.incr(name)), ends)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout)
        return Count(1, ends)


def _in_files() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"])
    return backend.endswith(".FileBasedCache")


def directory() -> Path:
    return Path(settings.VAR_DIR) / "rate"


def _hit_file(key: str, window: int) -> int:
    folder = directory()
    path = folder / hashlib.sha256(key.encode()).hexdigest()
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        stored = os.pread(fd, _RECORD.size, 0)
        last, calls = _RECORD.unpack(stored) if len(stored) == _RECORD.size else (-1, 0)
        calls = calls + 1 if last == window else 1
        os.pwrite(fd, _RECORD.pack(window, calls), 0)
        return calls
    finally:
        os.close(fd)  # and with it the lock


def sweep(now: dt.datetime) -> int:
    """Delete the counts of callers not seen for ``SWEEP_AFTER``."""
    cutoff = (now - SWEEP_AFTER).timestamp()
    deleted = 0
    folder = directory()
    if not folder.is_dir():
        return 0
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                deleted += 1
        except FileNotFoundError:  # swept by another process meanwhile
            continue
    return deleted
