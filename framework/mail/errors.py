"""The errors of ``framework.mail``: a refused header, a mail server that failed."""

from __future__ import annotations

from framework.exceptions import FrameworkError

__all__ = ["BadHeaderError", "MailError"]


class BadHeaderError(FrameworkError, ValueError):
    """A header value holds a line break (header injection): nothing was sent."""


class MailError(FrameworkError):
    """The mail server could not be reached, refused the login or refused the message."""
