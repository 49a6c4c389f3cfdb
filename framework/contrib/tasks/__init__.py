"""``framework.contrib.tasks``: the job tables of the ``procrastinate`` task backend.

Add it to ``INSTALLED_APPS`` and run ``manage.py db-upgrade``: its migrations create
Procrastinate's schema (for the pinned Procrastinate release) and the framework's two
tables beside it (``tasks_result``: return values and errors; ``tasks_schedule_pause``:
paused periodic tasks) on the database the backend uses. On SQLite they create nothing,
so a project can keep the app installed while it develops with the ``inprocess`` backend.
"""

from __future__ import annotations

__all__: list[str] = []
