"""Messages a system check returns: a level, a stable id, what is wrong and how to fix it."""

from __future__ import annotations

from typing import Any

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "WARNING",
    "CheckMessage",
    "Critical",
    "Error",
    "Info",
    "Warning",
]

DEBUG = 10
INFO = 20
WARNING = 30
ERROR = 40
CRITICAL = 50

_LEVEL_NAMES = {
    DEBUG: "DEBUG",
    INFO: "INFO",
    WARNING: "WARNING",
    ERROR: "ERROR",
    CRITICAL: "CRITICAL",
}


class CheckMessage:
    """One finding of a check (``apps.E001``), comparable so tests can assert it verbatim."""

    def __init__(
        self, level: int, msg: str, hint: str | None = None, id: str = "", obj: Any = None
    ) -> None:
        self.level = level
        self.msg = msg
        self.hint = hint
        self.id = id
        self.obj = obj

    @property
    def level_name(self) -> str:
        """Return ``"ERROR"``, ``"WARNING"``… for display."""
        return _LEVEL_NAMES.get(self.level, str(self.level))

    def is_serious(self, level: int = ERROR) -> bool:
        """Return whether this message stops a command (ERROR and above by default)."""
        return self.level >= level

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CheckMessage):
            return NotImplemented
        return (self.level, self.msg, self.hint, self.id) == (
            other.level,
            other.msg,
            other.hint,
            other.id,
        )

    def __hash__(self) -> int:
        return hash((self.level, self.msg, self.hint, self.id))

    def __str__(self) -> str:
        where = f"{self.obj}: " if self.obj is not None else ""
        text = f"{where}({self.id}) {self.msg}" if self.id else f"{where}{self.msg}"
        return f"{text}\n\tHINT: {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: level={self.level}, id={self.id!r}, msg={self.msg!r}>"


class Info(CheckMessage):
    """Something worth knowing; never stops a command."""

    def __init__(self, msg: str, hint: str | None = None, id: str = "", obj: Any = None) -> None:
        super().__init__(INFO, msg, hint, id, obj)


class Warning(CheckMessage):
    """A likely mistake; reported, never fatal."""

    def __init__(self, msg: str, hint: str | None = None, id: str = "", obj: Any = None) -> None:
        super().__init__(WARNING, msg, hint, id, obj)


class Error(CheckMessage):
    """A problem that stops ``runserver``, ``serve`` and ``check``."""

    def __init__(self, msg: str, hint: str | None = None, id: str = "", obj: Any = None) -> None:
        super().__init__(ERROR, msg, hint, id, obj)


class Critical(CheckMessage):
    """A problem that makes the project unusable."""

    def __init__(self, msg: str, hint: str | None = None, id: str = "", obj: Any = None) -> None:
        super().__init__(CRITICAL, msg, hint, id, obj)
