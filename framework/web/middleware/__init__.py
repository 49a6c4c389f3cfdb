"""Built-in middleware; the MIDDLEWARE setting lists which run, outermost first."""

from __future__ import annotations

from framework.web.middleware.compression import GZipMiddleware
from framework.web.middleware.cors import CORSMiddleware
from framework.web.middleware.hosts import TrustedHostMiddleware
from framework.web.middleware.loading import build_middleware
from framework.web.middleware.requestid import RequestIdMiddleware
from framework.web.middleware.security import HTTPSRedirectMiddleware, SecurityHeadersMiddleware
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
