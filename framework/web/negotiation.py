"""Content negotiation for error pages: does the client prefer HTML to JSON?

``Accept`` is parsed as RFC 9110 says: media ranges are case-insensitive, each may carry a
q-value (``;q=0.8``, default 1, ``q=0`` meaning "not acceptable"), and a media type takes
the quality of the most specific range that matches it (``text/html`` before ``text/*``
before ``*/*``). An error renders as HTML only when the client prefers ``text/html`` to
``application/json``: a higher quality, or the same one with ``text/html`` named more
specifically (``text/html,*/*``). Browsers (``text/html,...,*/*;q=0.8``) get a page; API
clients, ``*/*``, ``text/html, application/json`` and a missing header get JSON.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["prefers_html", "quality"]

#: Most Accept values in a deployment are the same few strings: parse each once.
_CACHE_SIZE = 256
_CACHED_LENGTH = 512
_MAX_RANGES = 64


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """Return ``(type, subtype, q)`` for each media range of *accept* (bad ones left out)."""
    ranges = []
    for item in accept.split(",")[:_MAX_RANGES]:
        media, *params = item.split(";")
        kind, slash, subtype = media.strip().lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # a malformed weight is not a preference
        ranges.append((kind, subtype.strip(), q))
    return ranges


def quality(accept: str, media_type: str) -> float:
    """Return the q-value *accept* gives *media_type* (0 when nothing matches it)."""
    return _preference(accept, media_type)[0]


def _preference(accept: str, media_type: str) -> tuple[float, int]:
    """Return ``(q, specificity)`` of the most specific range of *accept* matching the type."""
    kind, _, subtype = media_type.lower().partition("/")
    best, best_q = -1, 0.0
    for range_kind, range_subtype, q in _ranges(accept):
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best or (specificity == best and q > best_q):
            best, best_q = specificity, q
    return best_q, best


def prefers_html(accept: str) -> bool:
    """Return whether *accept* prefers ``text/html`` to ``application/json`` (strictly)."""
    if not accept:
        return False
    if len(accept) > _CACHED_LENGTH:  # kept out of the cache, which stays small
        return _prefers_html(accept)
    return _cached_prefers_html(accept)


def _prefers_html(accept: str) -> bool:
    html = _preference(accept, "text/html")
    return html[0] > 0 and html > _preference(accept, "application/json")


_cached_prefers_html = lru_cache(maxsize=_CACHE_SIZE)(_prefers_html)
