"""``GZipMiddleware``: compress responses for clients that accept gzip (GZIP_MIN_SIZE)."""

from __future__ import annotations

from typing import Any

from starlette.middleware import gzip as _starlette

__all__ = ["GZipMiddleware"]


class GZipMiddleware(_starlette.GZipMiddleware):
    """Gzip bodies of at least *minimum_size* bytes; event streams and media stay as they are."""

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any]:
        """Read GZIP_MIN_SIZE."""
        return {"minimum_size": int(settings.GZIP_MIN_SIZE)}
