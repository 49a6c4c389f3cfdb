"""Users, roles and API tokens: an ordinary app (label ``auth``) with models, migrations,
user-admin commands, login views and backends bound to its users.

Add ``"framework.contrib.auth"`` to INSTALLED_APPS and run ``manage.py db-upgrade``. The
modules are imported by the app registry (``models``, ``commands``, ``controllers``) or by
you (``framework.contrib.auth.backends``, ``.login``, ``.users``, ``.tokens``); this package
itself imports nothing, so listing the app costs nothing until it is used.
"""

from __future__ import annotations

__all__: list[str] = []
