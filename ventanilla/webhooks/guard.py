"""Where a webhook may be sent: never to this machine or its networks.

A subscriber's URL is resolved and EVERY address it resolves to must be
public; the connection is then made to the checked address (so a second,
different DNS answer cannot redirect it), and redirects are not followed.
``VENTANILLA_WEBHOOKS_ALLOW_PRIVATE`` lifts the rule (tests, intranets).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(Exception):
    """The URL is not one webhooks may be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address to connect to


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _forbidden(ip.ipv4_mapped)
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(url: str) -> Target:
    """The address to send ``url``'s webhook to, after the checks.

    1. Only http and https, with a host.
    2. Resolve the host (an IP literal resolves to itself).
    3. Refuse if any resolved address is loopback, private, link-local,
       multicast, reserved or otherwise not global (unless allowed).
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise AddressRefused(f"not an http(s) URL: {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"bad port in {url!r}") from error
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"cannot resolve {parts.hostname!r}: {error}") from error
    addresses = [str(info[4][0]).split("%")[0] for info in infos]
    if not addresses:
        raise AddressRefused(f"{parts.hostname!r} has no address")
    if not settings.VENTANILLA_WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if _forbidden(ipaddress.ip_address(address)):
                raise AddressRefused(
                    f"{parts.hostname!r} resolves to {address}, "
                    "a loopback, private or link-local address"
                )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
