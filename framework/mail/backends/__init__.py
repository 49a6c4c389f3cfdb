"""Mail backends: where ``send()`` hands messages (``EMAIL_BACKEND``)."""

from __future__ import annotations

from framework.mail.backends.base import BaseEmailBackend

__all__ = ["BaseEmailBackend"]
