"""The client's IP address, through the proxies the project trusts (TRUSTED_PROXIES).

Behind a reverse proxy every request comes from the proxy, and the client's address is in
``X-Forwarded-For``, which anyone can also send. So the header is read only when the
request comes from a trusted proxy, and from the right: each trusted proxy appended the
address it received from; the first address from the right that is not a trusted proxy is
the client. A malformed entry stops the walk at the last trusted hop's peer.

::

    TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]   # IPs or CIDR networks
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["TrustedProxies", "client_ip"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "1.2.3.4:5678"
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    """The networks of TRUSTED_PROXIES, and the client-address rule above."""

    def __init__(self, entries: Iterable[str]) -> None:
        networks: list[Network] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"TRUSTED_PROXIES entries are IP addresses or networks ('10.0.0.0/8'); "
                    f"got {entry!r}."
                ) from None
        self.networks = tuple(networks)

    def trusts(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """Return whether *address* is one of the trusted proxies."""
        return any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """Return the client of a request from *peer* carrying *forwarded_for* headers."""
        peer_address = _address(peer)
        if peer_address is None or not self.networks or not self.trusts(peer_address):
            return peer
        hops = [hop for header in forwarded_for for hop in header.split(",")]
        current = peer
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return current
            current = str(address)
            if not self.trusts(address):
                return current
        return current


_cache: dict[tuple[str, ...], TrustedProxies] = {}


def client_ip(request: Any) -> str:
    """Return the IP address of *request*'s client (see the module docstring)."""
    from framework.conf import settings

    entries = tuple(settings.TRUSTED_PROXIES)
    proxies = _cache.get(entries)
    if proxies is None:
        proxies = _cache[entries] = TrustedProxies(entries)
    client = request.scope.get("client")
    peer = str(client[0]) if client else ""
    if not proxies.networks:
        return peer
    return proxies.client(peer, request.headers.getlist("x-forwarded-for"))
