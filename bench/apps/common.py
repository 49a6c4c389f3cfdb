"""What every contender shares: the SQLite database file and its rows."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

#: The database every contender reads, created by :func:`seed`.
DB_PATH = Path(
    os.environ.get("BENCH_DB", Path(__file__).resolve().parents[1] / ".work" / "bench.sqlite3")
)
DB_URL = f"sqlite+aiosqlite:///{DB_PATH}"
USER_COUNT = 100
PAGE = 20


def seed(path: Path = DB_PATH) -> None:
    """Create the ``users`` table with USER_COUNT rows (idempotent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS users ("
            "id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) NOT NULL)"
        )
        if connection.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0:
            connection.executemany(
                "INSERT INTO users (id, name, email) VALUES (?, ?, ?)",
                [(n, f"User {n}", f"user{n}@example.com") for n in range(1, USER_COUNT + 1)],
            )


if __name__ == "__main__":
    seed()
