"""Tell "the database cannot be reached" apart from a bug, and say it in one line.

A refused connection, an unknown host, a wrong password, a database that does not exist or a
SQLite file that cannot be opened reach a command as driver exceptions (asyncpg, sqlite3, an
``OSError``), often wrapped by SQLAlchemy. They are the user's configuration or server, not a
bug, so they end as one line with the fix instead of a traceback.
"""

from __future__ import annotations

__all__ = ["unreachable_database"]

#: asyncpg errors that mean "wrong address, credentials or database name".
_ASYNCPG_CONNECTION_ERRORS = {
    "InvalidCatalogNameError",
    "InvalidPasswordError",
    "InvalidAuthorizationSpecificationError",
    "CannotConnectNowError",
    "TooManyConnectionsError",
    "ConnectionDoesNotExistError",
}
_SQLITE_OPEN_ERRORS = ("unable to open database file",)


def unreachable_database(exc: BaseException) -> str | None:
    """Return a one-line message when *exc* means a database cannot be reached, else None."""
    for error in _chain(exc):
        reason = _reason(error)
        if reason is not None:
            return (
                f"Cannot connect to the database: {reason}. Check DATABASES (or DATABASE_URL) "
                "and that the database server is running and reachable."
            )
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """Return *exc* and every error behind it: causes, contexts and wrapped driver errors."""
    found: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's
        for behind in (orig, current.__cause__, current.__context__):
            if isinstance(behind, BaseException):
                pending.append(behind)
    return found


def _reason(error: BaseException) -> str | None:
    name = type(error).__name__
    module = type(error).__module__
    if module.startswith("asyncpg") and name in _ASYNCPG_CONNECTION_ERRORS:
        return f"{name}: {error}"
    if isinstance(error, (ConnectionError, TimeoutError)) or (
        isinstance(error, OSError) and error.errno is not None and module == "builtins"
    ):
        return f"{name}: {error}"
    if name == "gaierror":
        return f"unknown host ({error})"
    text = str(error)
    if module.startswith("sqlite3") and any(part in text for part in _SQLITE_OPEN_ERRORS):
        return f"the SQLite file cannot be opened ({text})"
    return None
