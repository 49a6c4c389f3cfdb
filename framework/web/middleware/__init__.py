"""Built-in middleware; the MIDDLEWARE setting lists which run, outermost first.

Each class is imported when first named (by MIDDLEWARE or an import): a server loads the
middleware its settings list, not GZip or timing it never runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from framework.web.middleware.compression import GZipMiddleware
    from framework.web.middleware.cors import CORSMiddleware
    from framework.web.middleware.hosts import TrustedHostMiddleware
    from framework.web.middleware.loading import build_middleware
    from framework.web.middleware.requestid import RequestIdMiddleware
    from framework.web.middleware.security import (
        HTTPSRedirectMiddleware,
        SecurityHeadersMiddleware,
    )
    from framework.web.middleware.timing import TimingMiddleware
    from framework.web.sessions import SessionMiddleware

__all__ = [
    "CORSMiddleware",
    "GZipMiddleware",
    "HTTPSRedirectMiddleware",
    "RequestIdMiddleware",
    "SecurityHeadersMiddleware",
    "SessionMiddleware",
    "TimingMiddleware",
    "TrustedHostMiddleware",
    "build_middleware",
]

_HOMES = {
    "GZipMiddleware": "compression",
    "CORSMiddleware": "cors",
    "TrustedHostMiddleware": "hosts",
    "build_middleware": "loading",
    "RequestIdMiddleware": "requestid",
    "HTTPSRedirectMiddleware": "security",
    "SecurityHeadersMiddleware": "security",
    "TimingMiddleware": "timing",
    "SessionMiddleware": ".sessions",
}

__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
