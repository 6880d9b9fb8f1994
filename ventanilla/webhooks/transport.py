"""One HTTP POST to an already checked address (see ``guard``).

http.client is used directly so the connection goes to the address that
was checked, with the URL's host in the Host header and in TLS (SNI and
certificate), and so no redirect is ever followed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass

from ventanilla.webhooks.guard import Target


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


def post(
    target: Target, body: bytes, headers: dict[str, str], *, timeout: float
) -> Reply:
    """POST ``body``; raises OSError (and http.client errors) on failure."""
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPS(target, timeout)
    else:
        conn = _PinnedHTTP(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.read(2000))
    finally:
        conn.close()
