"""A new user's path, for real: startproject, db-upgrade, createsuperuser --noinput, users list,
and Basic auth with those credentials on a route of the project served by runserver."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import free_port, run, start_server

pytestmark = pytest.mark.e2e

PASSWORD = "plum-orchard-velvet-42"
CONTROLLERS = """
from framework.auth import authenticate
from framework.contrib.auth.backends import UserBasicAuth, UserTokenAuth
from framework.web import Controller, get


class ApiController(Controller):
    path = "/api"

    @get("/admin")
    @authenticate(UserBasicAuth(), role="admin")
    async def admin(self, request):
        return {"user": request.state.user.username}

    @get("/token")
    @authenticate(UserTokenAuth())
    async def token(self, request):
        return {"user": request.state.user.username}
"""


def manage(project: Path, *args: str, **env: str):
    return run([sys.executable, "manage.py", *args], cwd=project, **env)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with an app of protected routes and its database migrated."""
    base = tmp_path_factory.mktemp("useradmin")
    result = run([str(Path(sys.executable).parent / "framework"), "startproject", "mysite"], base)
    assert result.returncode == 0, result.stderr
    root = base / "mysite"
    assert manage(root, "startapp", "api").returncode == 0
    (root / "api" / "controllers.py").write_text(CONTROLLERS)
    upgrade = manage(root, "db-upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Applied auth" in upgrade.stdout
    return root


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    created = manage(
        project,
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "a@b.c",
        FRAMEWORK_SUPERUSER_PASSWORD=PASSWORD,
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout == "Superuser 'admin' created.\n"
    assert PASSWORD not in created.stdout + created.stderr
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with start_server(command, project, port) as running:
        running.get("/api/admin")
        yield running.url


def test_users_list_shows_the_superuser(server: str, project: Path) -> None:
    result = manage(project, "users", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(row["username"], row["email"], row["is_superuser"]) for row in rows] == [
        ("admin", "a@b.c", True)
    ]
    table = manage(project, "users", "list")
    assert "admin" in table.stdout and table.stdout.endswith("1 user(s).\n")


def test_basic_auth_with_those_credentials_reaches_the_protected_route(server: str) -> None:
    response = httpx.get(f"{server}/api/admin", auth=("admin", PASSWORD))
    assert response.status_code == 200
    assert response.json() == {"user": "admin"}


def test_wrong_password_and_unknown_user_get_the_same_401(server: str) -> None:
    wrong = httpx.get(f"{server}/api/admin", auth=("admin", "not-the-password"))
    unknown = httpx.get(f"{server}/api/admin", auth=("nobody", PASSWORD))
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication required.", "errors": []}
        assert response.headers["www-authenticate"] == (
            'Basic realm="Authentication Required", charset="UTF-8"'
        )
    assert wrong.content == unknown.content


def test_second_createsuperuser_with_the_same_name_fails_cleanly(
    server: str, project: Path
) -> None:
    again = manage(
        project,
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        FRAMEWORK_SUPERUSER_PASSWORD=PASSWORD,
    )
    assert again.returncode == 1
    assert again.stderr == "Error: A user with username 'admin' already exists.\n"
    assert "Traceback" not in again.stderr


def test_eof_at_the_prompt_cancels(server: str, project: Path) -> None:
    result = manage(project, "createsuperuser")  # stdin is empty: EOF at the first prompt
    assert result.returncode == 1
    assert result.stderr.endswith("Error: Operation cancelled.\n")
    rows = json.loads(manage(project, "users", "list", "--json").stdout)
    assert [row["username"] for row in rows] == ["admin"]


def test_token_created_on_the_cli_works_until_revoked(server: str, project: Path) -> None:
    created = manage(project, "users", "token", "create", "admin")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server}/api/token", headers=headers).json() == {"user": "admin"}
    revoked = manage(project, "users", "token", "revoke", "admin")
    assert revoked.stdout == "Revoked 1 token(s) of 'admin'.\n"
    assert httpx.get(f"{server}/api/token", headers=headers).status_code == 401


def test_help_stays_fast_and_lists_the_user_commands(project: Path) -> None:
    result = run([sys.executable, "-X", "importtime", "manage.py", "--help"], cwd=project)
    assert result.returncode == 0
    for name in ("createsuperuser", "changepassword", "users"):
        assert f"  {name} " in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    # The default project lists framework.openapi and contrib.auth: reading their app configs
    # and commands must not pull in the database, the web stack or the metadata scanner.
    heavy = {"sqlalchemy", "passlib", "starlette", "pydantic", "importlib.metadata"}
    assert heavy & imported == set()


def test_the_user_admin_guide_runs_as_printed(tmp_path: Path) -> None:
    """Every line of docs/user-admin.md's complete session, in a fresh project."""
    import re
    import shlex

    from tests.support.databases import REPO

    text = (REPO / "docs" / "user-admin.md").read_text(encoding="utf-8")
    section = text.split("## A complete session", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None
    framework = str(Path(sys.executable).parent / "framework")
    assert run([framework, "startproject", "guide"], tmp_path).returncode == 0
    root = tmp_path / "guide"
    outputs = []
    for line in block.group(1).strip().splitlines():
        words = shlex.split(line)
        start = words.index("python")
        env = dict(word.split("=", 1) for word in words[:start])
        command = words[start:]
        result = run([sys.executable, *command[1:]], root, **env)
        assert result.returncode == 0, f"{line}\n{result.stderr}"
        outputs.append(result.stdout)
    rows = json.loads(outputs[-2])
    assert [(row["username"], row["roles"], row["is_active"]) for row in rows] == [
        ("admin", [], True),
        ("build-bot", [], True),
        ("carol", ["editor"], True),
    ]
    assert outputs[-1] == "User 'build-bot' deleted.\n"


def test_ctrl_c_at_the_password_prompt_cancels_and_writes_nothing(
    server: str, project: Path
) -> None:
    import os
    import select
    import signal
    import subprocess
    import time

    from .conftest import clean_environ

    process = subprocess.Popen(
        [sys.executable, "manage.py", "createsuperuser", "--username", "eve", "--email", ""],
        cwd=project,
        env=clean_environ(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # no terminal: the prompt goes to stderr, the answer to stdin
    )
    assert process.stderr is not None
    shown = b""
    try:
        deadline = time.monotonic() + 60
        while not shown.endswith(b"Password: ") and time.monotonic() < deadline:
            if select.select([process.stderr], [], [], 1)[0]:
                chunk = os.read(process.stderr.fileno(), 4096)
                if not chunk:
                    break
                shown += chunk
        assert shown.endswith(b"Password: "), shown  # at the prompt, waiting for input
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    stderr = shown.decode() + rest
    assert process.returncode == 1
    assert stderr.endswith("Error: Operation cancelled.\n")
    assert "Traceback" not in stderr
    rows = json.loads(manage(project, "users", "list", "--json").stdout)
    assert [row["username"] for row in rows] == ["admin"]


def test_ctrl_c_in_a_real_terminal_stops_the_hidden_prompt_at_once(
    server: str, project: Path
) -> None:
    """In a terminal, getpass reads /dev/tty: Ctrl-C must end it without waiting for Enter."""
    import os
    import pty
    import select
    import time

    from .conftest import clean_environ

    command = [sys.executable, "manage.py", "createsuperuser", "--username", "eve", "--email", ""]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty
        os.chdir(project)
        os.execve(sys.executable, command, clean_environ())

    screen = b""

    def read_until(done: Any, timeout: float) -> None:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.1)[0]:
                try:
                    screen += os.read(terminal, 4096)
                except OSError:  # the child closed the terminal
                    return

    try:
        read_until(lambda: screen.endswith(b"Password: "), 60)
        assert screen.endswith(b"Password: "), screen
        os.write(terminal, b"\x03")  # the terminal turns it into SIGINT
        read_until(lambda: b"Operation cancelled." in screen, 60)
        deadline = time.monotonic() + 60
        while (waited := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waited[0] == pid, f"still waiting at the prompt after Ctrl-C: {screen!r}"
        status = waited[1]
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 1
    assert b"Operation cancelled." in screen
    assert b"Traceback" not in screen
    rows = json.loads(manage(project, "users", "list", "--json").stdout)
    assert [row["username"] for row in rows] == ["admin"]
