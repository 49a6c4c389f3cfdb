"""The ``procrastinate`` backend: durable jobs and schedules in PostgreSQL (``framework[tasks]``).

Nothing here is imported unless ``TASKS`` names the backend; the modules that need
Procrastinate or psycopg import them inside, behind :func:`require_procrastinate`.
"""

from __future__ import annotations

__all__: list[str] = []
