"""``TrustedHostMiddleware``: answer only for the hosts in ALLOWED_HOSTS (Host header attacks).

Patterns: an exact name (``"example.com"``, ``"127.0.0.1"``, ``"[::1]"``), a subdomain
wildcard (``"*.example.com"``: any subdomain), a Django-style ``".example.com"`` (the domain
and every subdomain), or ``"*"`` (any host — still required to be well formed). Ports are
ignored. A missing, malformed or repeated ``Host`` header is always refused with 400.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from framework.exceptions import ImproperlyConfigured
from framework.web.responses import JSONResponse

__all__ = ["TrustedHostMiddleware"]

_CACHE_SIZE = 512
_HOST = re.compile(
    r"(?P<host>[a-z0-9_.-]+|\[(?P<ip6>[0-9a-f:.]+)\])(?::(?P<port>[0-9]{1,5}))?", re.IGNORECASE
)


def parse_host(value: str) -> str | None:
    """Return the lower-case host name of a ``Host`` header value, or None if malformed."""
    match = _HOST.fullmatch(value)
    if match is None or (match["port"] is not None and int(match["port"]) > 65535):
        return None
    if match["ip6"] is not None:
        try:
            ipaddress.IPv6Address(match["ip6"])
        except ValueError:
            return None
    return match["host"].lower().rstrip(".")


class TrustedHostMiddleware:
    """Refuse requests whose ``Host`` header is not one of *allowed_hosts* (400)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str], debug: bool = False) -> None:
        self.app = app
        self.debug = debug
        self.allow_any = False
        exact: set[str] = set()
        suffixes: list[str] = []
        for raw in allowed_hosts:
            pattern = str(raw).strip().lower().rstrip(".")
            if pattern == "*":
                self.allow_any = True
            elif pattern.startswith("*."):
                suffixes.append(pattern[1:])
            elif pattern.startswith("."):
                exact.add(pattern[1:])
                suffixes.append(pattern)
            elif "*" in pattern or not pattern:
                raise ImproperlyConfigured(
                    f"ALLOWED_HOSTS entry {raw!r} is not a host name: use 'example.com', "
                    "'*.example.com', '.example.com' or '*'."
                )
            else:
                exact.add(pattern)
        self.exact = frozenset(exact)
        self.suffixes = tuple(suffixes)
        self._known: dict[bytes, bool] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any]:
        """Read ALLOWED_HOSTS and DEBUG."""
        return {"allowed_hosts": list(settings.ALLOWED_HOSTS), "debug": bool(settings.DEBUG)}

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Pass an allowed request on without a frame of its own; refuse the others (400).

        Each distinct ``Host`` value is judged once and remembered (up to 512 of them).
        """
        if scope["type"] not in ("http", "websocket"):
            return self.app(scope, receive, send)
        host: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"host":
                if host is not None:
                    return self._refuse(scope, receive, send, "Several Host headers were sent.")
                host = value
        allowed: bool | None = False
        if host is not None and (allowed := self._known.get(host)) is None:
            allowed = self._is_allowed(host)
            if len(self._known) < _CACHE_SIZE:
                self._known[host] = allowed
        if allowed:
            return self.app(scope, receive, send)
        shown = host.decode("latin-1") if host is not None else None
        detail = "Invalid Host header." if shown is None else f"Invalid Host header: {shown!r}."
        if self.debug and shown is not None:
            detail += " You may need to add it to ALLOWED_HOSTS."
        return self._refuse(scope, receive, send, detail)

    def _is_allowed(self, raw: bytes) -> bool:
        host = parse_host(raw.decode("latin-1"))
        if not host:
            return False
        if self.allow_any:
            return True
        return host in self.exact or any(host.endswith(suffix) for suffix in self.suffixes)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, detail: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "Invalid host"})
            return
        response = JSONResponse({"detail": detail, "errors": []}, status_code=400)
        await response(scope, receive, send)
