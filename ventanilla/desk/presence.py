"""Who has a ticket open, for the collision notice.

Each open ticket page refreshes its viewer's mark every few seconds (an htmx
poll); a mark older than ``TTL_SECONDS`` has left. The marks live in the
cache under one key per ticket: a lost update costs one poll at most.
"""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.core.cache import cache

TTL_SECONDS = 30
POLL_SECONDS = 10


def _key(ticket_id: int) -> str:
    return f"desk:presence:{ticket_id}"


def viewing(ticket_id: int, user: User) -> list[str]:
    """Mark ``user`` as viewing the ticket; return the other viewers' names."""
    now = time.time()
    marks: dict[int, tuple[str, float]] = cache.get(_key(ticket_id)) or {}
    live = {
        uid: (name, seen)
        for uid, (name, seen) in marks.items()
        if now - seen < TTL_SECONDS and uid != user.pk
    }
    others = sorted(name for name, _seen in live.values())
    live[user.pk] = (user.get_full_name() or user.get_username(), now)
    cache.set(_key(ticket_id), live, TTL_SECONDS)
    return others
