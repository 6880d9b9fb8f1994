"""The signature a receiver checks: ``X-Ventanilla-Signature: t=<unix
time>,v1=<hex HMAC-SHA256 of "<t>." + body, keyed with the subscription's
secret>``. Binding the time lets a receiver refuse old replays."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Ventanilla-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (used by the tests as a receiver would)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not fields.get("t", "").isdigit() or "v1" not in fields:
        return False
    expected = signature(secret, int(fields["t"]), body)
    return hmac.compare_digest(expected, header)
