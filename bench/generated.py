"""The project users get: made by ``startproject``, plus one app (``startapp``), defaults untouched.

The benchmark's ``framework`` contender is this project, regenerated on every run from the
current templates, so it measures what ``startproject`` gives today: contrib.auth and the
OpenAPI app installed, the default MIDDLEWARE (host check, security headers, sessions, CSRF)
and the generated ``.env``. The only additions are the app's ``controllers.py`` and
``models.py``, the same files as the stripped project's ``users`` app
(``apps/framework_site``; its model renamed ``Person`` beside contrib.auth's ``User``), and
a user for the login row, made with ``manage.py users create``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tools import BENCH, PROJECT_PYTHON, WORK

NAME = "benchgen"
SITE = WORK / NAME
STRIPPED = BENCH / "apps" / "framework_site"
LOGIN_USER = "bench"
LOGIN_PASSWORD = "correct horse battery staple 42"


def generate(database_url: str, name: str = NAME) -> Path:
    """Create the project *name* afresh in bench/.work; return its directory."""
    site = WORK / name
    shutil.rmtree(site, ignore_errors=True)
    site.parent.mkdir(parents=True, exist_ok=True)
    _run([str(PROJECT_PYTHON), "-m", "framework", "startproject", name, str(site)], site.parent)
    manage = [str(PROJECT_PYTHON), "manage.py"]
    _run([*manage, "startapp", "users"], site)
    for module in ("controllers.py", "models.py"):
        # The model is renamed: contrib.auth's relationships name its own model "User", and
        # a second class of that name in the same registry makes those names ambiguous.
        source = (STRIPPED / "users" / module).read_text()
        (site / "users" / module).write_text(re.sub(r"\bUser\b", "Person", source))
    env = manage_env(database_url)
    _run([*manage, "db-upgrade"], site, env)
    if LOGIN_USER not in _run([*manage, "users", "list"], site, env):
        _run([*manage, "users", "create", LOGIN_USER, "--noinput"], site, env)
    return site


def manage_env(database_url: str) -> dict[str, str]:
    """Return the environment of the project's ``manage.py`` commands (the login's password)."""
    return {"DATABASE_URL": database_url, "FRAMEWORK_USER_PASSWORD": LOGIN_PASSWORD}


def server_env(database_url: str, site: Path = SITE) -> dict[str, str]:
    """Return what the generated project's server runs with: production, not the .env's DEBUG."""
    return {"PYTHONPATH": str(site), "DATABASE_URL": database_url, "DEBUG": "false"}


def argon2_cost() -> str:
    """Name the cost of the password hash the login row pays (the default scheme's options)."""
    code = (
        "from framework.auth.passwords import get_hasher;"
        "parts = get_hasher().hash('x').split('$'); print(parts[1], parts[3])"
    )
    env = {**os.environ, "FRAMEWORK_SETTINGS_MODULE": f"{NAME}.settings", "PYTHONPATH": str(SITE)}
    result = subprocess.run(
        [str(PROJECT_PYTHON), "-c", code], cwd=SITE, env=env, capture_output=True, text=True
    )
    return result.stdout.strip() or "argon2 (options unknown)"


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout
