"""Safe redirect targets: ``?next=`` may only lead back into this site.

A login page that redirects to whatever ``next`` says turns the site into a springboard for
phishing (``/login?next=https://evil.example``). Browsers are lenient about what counts as
another host — ``//evil.example``, ``/\\evil.example``, ``\\\\evil.example`` and
``https:evil.example`` all leave the site — and ``javascript:`` runs code, so a target is
accepted only when it is a plain path of this site or an ``http(s)`` URL of this very host.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

__all__ = ["is_safe_url", "safe_redirect_url"]


def is_safe_url(url: str | None, allowed_hosts: Iterable[str] = ()) -> bool:
    """Return whether redirecting to *url* stays on this site (or one of *allowed_hosts*)."""
    if not url or not isinstance(url, str):
        return False
    url = url.strip()
    if not url or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    # Browsers read a backslash as a slash: "/\\evil.example" is "//evil.example".
    normalised = url.replace("\\", "/")
    if normalised.startswith("//"):
        host = urlsplit("http:" + normalised).netloc
        return bool(host) and host.lower() in _hosts(allowed_hosts)
    try:
        parts = urlsplit(normalised)
    except ValueError:
        return False
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return False
    if parts.scheme and not parts.netloc:  # "https:evil.example" is a host for browsers
        return False
    if parts.netloc:
        return parts.netloc.lower() in _hosts(allowed_hosts)
    return True


def _hosts(allowed_hosts: Iterable[str]) -> set[str]:
    return {host.lower() for host in allowed_hosts if host}


def safe_redirect_url(request: HTTPConnection, url: str | None, default: str) -> str:
    """Return *url* if it is safe for *request* (same host), else *default*."""
    host = request.headers.get("host", "")
    return url.strip() if url and is_safe_url(url, [host]) else default
