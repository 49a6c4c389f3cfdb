"""The ``file`` backend: each message becomes an ``.eml`` file in EMAIL_FILE_PATH.

Open the files with any mail client, or read them in tests. The folder is created on the
first send; a relative path is relative to BASE_DIR.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.mail.backends.base import BaseEmailBackend, OutgoingMessage

__all__ = ["EmailBackend"]


def _configured_path() -> Path:
    from framework.conf import settings

    value = settings.EMAIL_FILE_PATH
    if not value:
        raise ImproperlyConfigured(
            "EMAIL_BACKEND 'file' needs EMAIL_FILE_PATH: the folder to write messages to."
        )
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR or ".") / path


class EmailBackend(BaseEmailBackend):
    """Write each message to ``<timestamp>-<random>.eml`` in *file_path*."""

    def __init__(
        self, fail_silently: bool = False, file_path: str | Path | None = None, **options: Any
    ) -> None:
        super().__init__(fail_silently, **options)
        self.file_path = Path(file_path) if file_path is not None else _configured_path()
        if self.file_path.exists() and not self.file_path.is_dir():
            raise ImproperlyConfigured(
                f"EMAIL_FILE_PATH {str(self.file_path)!r} exists and is not a folder."
            )

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Write each message to its own file; return how many were written."""
        sent = 0
        for message in messages:
            try:
                data = message.message().as_bytes()
                self.file_path.mkdir(parents=True, exist_ok=True)
                name = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.eml"
                target = self.file_path / name
                with open(target, "xb") as handle:  # never overwrite a message
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
