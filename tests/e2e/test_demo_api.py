"""The demo project on a real uvicorn: schemathesis (every check) finds nothing wrong; its
documentation pages render in headless Chromium without any network."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from framework.apps import apps
from framework.conf import ENVIRONMENT_VARIABLE, settings
from framework.testing import live_server
from tests.e2e.conftest import BIN, clean_environ, free_port, run, start_server

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-demo-" + "k3y-value-" * 6
#: The uploads: which file names a form accepts (extensions) cannot be said in OpenAPI, so
#: the files schemathesis makes up are rightly refused; every other check applies to them.
UPLOADS = "image|attachments"
#: Not the API: the password-reset pages are HTML forms for browsers, whose error pages are
#: HTML (the document gives 4xx answers the JSON error shape).
PAGES = "password-reset"


def schemathesis(
    url: str, checks: str, cwd: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """Run ``st run`` against *url*; a fixed seed keeps a failure reproducible."""
    return subprocess.run(
        [
            str(BIN / "st"),
            "run",
            url,
            "--checks",
            checks,
            "--max-examples",
            "20",
            "--workers",
            "1",  # hypothesis' lambda parsing is not thread-safe on 3.11
            "--seed",
            "20260101",
            "--request-timeout",
            "10",
            *options,
        ],
        cwd=cwd,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def demo_env(tmp_path: Path) -> dict[str, str]:
    return {
        "FRAMEWORK_SETTINGS_MODULE": "example.settings",
        "SECRET_KEY": SECRET,
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "FRAMEWORK_ENV_FILE": str(tmp_path / ".env"),
        "PYTHONPATH": str(ROOT),
    }


def manage(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    result = run([sys.executable, str(ROOT / "manage.py"), *args], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_schemathesis_with_every_check_finds_nothing(tmp_path: Path) -> None:
    """No 5xx, no undocumented status, no answer outside its schema, no invalid input taken."""
    env = demo_env(tmp_path)
    manage(tmp_path, env, "db-upgrade")
    manage(tmp_path, env, "users", "create", "writer", "--no-password")
    token = manage(tmp_path, env, "users", "token", "create", "writer").strip()
    auth = ["--header", f"Authorization: Bearer {token}"]  # the write routes need it
    port = free_port()
    server_args = [sys.executable, "-m", "uvicorn", "example.asgi:app", "--port", str(port)]
    with start_server([*server_args, "--log-level", "warning"], tmp_path, port, **env) as server:
        server.get("/openapi.json")
        document = f"{server.url}/openapi.json"
        every = schemathesis(
            document, "all", tmp_path, *auth, "--exclude-path-regex", f"{UPLOADS}|{PAGES}"
        )
        uploads = schemathesis(
            document,
            "all",
            tmp_path,
            *auth,
            "--include-path-regex",
            UPLOADS,
            "--exclude-checks",
            "positive_data_acceptance",
        )
        log = server.output()
    for result in (every, uploads):
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert "passed" in result.stdout
    assert "Traceback" not in log, log


@pytest.fixture
def demo_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    for name, value in demo_env(tmp_path).items():
        if name != "PYTHONPATH":
            monkeypatch.setenv(name, value)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "example.settings")
    settings.reset()
    apps.reset()
    from framework.web import get_asgi_application

    yield get_asgi_application()


def test_swagger_ui_shows_the_demo_operations_offline(demo_app: Any, page: Any) -> None:
    with live_server(demo_app) as url:
        page.goto(url + "/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        summaries = page.locator(".opblock-summary-description").all_inner_texts()
        info = page.inner_text("body")
    assert "/products" in paths and "/products/{id}/image" in paths
    assert "/products/{product_id}/reviews" in paths
    assert "Add a product." in summaries and "Review a product." in summaries
    assert "Catalog" in info and "1.0.0" in info
    assert page.blocked_requests == []


def test_redoc_shows_the_demo_operations_offline(demo_app: Any, page: Any) -> None:
    with live_server(demo_app) as url:
        page.goto(url + "/redoc")
        menu = page.get_by_text("Replace a product's picture").first
        menu.wait_for(state="attached", timeout=20_000)
        text = page.inner_text("body")
    assert "Add a product." in text
    assert "A stock level changed." in text  # the webhook, under its tag
    assert page.blocked_requests == []
