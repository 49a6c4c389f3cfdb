"""The demo project (example/): its login page, the page behind it, its token-protected API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.testing import TestClient
from tests.contrib.auth.conftest import run
from tests.contrib.auth.helpers import PASSWORD, make_token, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[TestClient]:
    import framework
    from framework.apps import apps
    from framework.conf import ENVIRONMENT_VARIABLE, settings
    from framework.migrations.locations import app_models
    from framework.testing.database import migrate_databases
    from framework.web import get_asgi_application

    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "example.settings")
    monkeypatch.setenv("SECRET_KEY", "demo-tests-secret-key-0123456789-abcdefghijklmnop")
    monkeypatch.setenv("DEBUG", "false")
    settings.reset()
    apps.reset()
    framework.setup()
    for label in apps.app_configs:
        for model in app_models(label):
            apps.register_model(label, model)
    cheap = {"argon2": {"memory_cost": 1024, "time_cost": 1, "parallelism": 1}}
    database = {"default": f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"}
    with settings.override(DATABASES=database, PASSWORD_SCHEME_OPTIONS=cheap):
        run(migrate_databases)
        make_user("demo", email="demo@example.com", roles=["viewer"])
        with TestClient(get_asgi_application(), follow_redirects=False) as client:
            yield client


def test_demo_login_page_and_account_page(demo: TestClient) -> None:
    bounced = demo.get("/account", headers={"accept": "text/html"})
    assert bounced.headers["location"] == "/login?next=%2Faccount"
    page = demo.get(bounced.headers["location"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token is not None
    form = {"username": "demo", "password": PASSWORD, "next": "/account", "csrf_token": token[1]}
    logged_in = demo.post("/login", data=form)
    assert logged_in.headers["location"] == "/account"
    account = demo.get("/account")
    assert "<h1>Hello, demo</h1>" in account.text
    assert "Roles: viewer." in account.text


def test_demo_api_needs_a_token(demo: TestClient) -> None:
    assert demo.get("/api/me").status_code == 401
    token = make_token("demo")
    response = demo.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {
        "username": "demo",
        "email": "demo@example.com",
        "roles": ["viewer"],
    }
