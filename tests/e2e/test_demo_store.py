"""The demo store's command and background task, seen through the API.

``manage.py store-seed`` runs as a user types it, on a fresh migrated database; the API then
shows what it added. Posting a review answers at once and a background task brings the
product's rating up to date after the response.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.testing import TestClient
from tests.e2e.conftest import run

ROOT = Path(__file__).resolve().parents[2]
SECRET = "demo-store-tests-" + "k3y-value-" * 6


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Point the demo project (here and in child processes) at a fresh, migrated database."""
    env = {
        "FRAMEWORK_SETTINGS_MODULE": "example.settings",
        "SECRET_KEY": SECRET,
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "FRAMEWORK_ENV_FILE": str(tmp_path / ".env"),
    }
    migrated = manage(env, "db-upgrade")
    assert migrated.returncode == 0, migrated.stderr
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def client(demo_env: dict[str, str]) -> Iterator[TestClient]:
    """Serve the demo in-process, on the database of *demo_env*."""
    from framework.apps import apps
    from framework.conf import settings
    from framework.web import get_asgi_application

    settings.reset()
    apps.reset()
    with TestClient(get_asgi_application()) as client:
        yield client


@pytest.fixture
def token(demo_env: dict[str, str]) -> str:
    """Return an API token of a new user, as the demo's README tells to make one."""
    assert manage(demo_env, "users", "create", "writer", "--no-password").returncode == 0
    created = manage(demo_env, "users", "token", "create", "writer")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py ARGS`` in a child process with *env*."""
    return run([sys.executable, str(ROOT / "manage.py"), *args], ROOT, **env)


def test_store_seed_adds_the_sample_products_once(
    demo_env: dict[str, str], client: TestClient
) -> None:
    assert client.get("/products").json()["total"] == 0
    first = manage(demo_env, "store-seed")
    assert (first.returncode, first.stdout) == (0, "Added 5 sample product(s) to the catalog.\n")
    again = manage(demo_env, "store-seed")
    assert (again.returncode, again.stdout) == (
        0,
        "The sample products are already in the catalog.\n",
    )

    listed = client.get("/products").json()
    assert listed["total"] == 5
    by_name = {product["name"]: product for product in listed["items"]}
    # The seeded reviews are counted and averaged, as after reviews posted through the API.
    assert (by_name["Walnut desk"]["rating"], by_name["Walnut desk"]["review_count"]) == (4.5, 2)
    assert (by_name["Oak stool"]["rating"], by_name["Oak stool"]["review_count"]) == (None, 0)
    walnut = by_name["Walnut desk"]["id"]
    assert [review["rating"] for review in client.get(f"/products/{walnut}/reviews").json()] == [
        5,
        4,
    ]


def test_writes_need_a_token(client: TestClient, token: str) -> None:
    refused = client.post("/products", json={"name": "Teapot", "price": 30})
    assert refused.status_code == 401
    assert client.get("/products").json()["total"] == 0
    for method, path in (("put", "/products/1"), ("delete", "/products/1")):
        assert client.request(method, path, json={"name": "x", "price": 1}).status_code == 401
    assert client.post("/products/1/reviews", json={"rating": 5}).status_code == 401
    assert client.post("/hooks/stock", json={"sku": "A1", "quantity": 1}).status_code == 401
    client.headers["Authorization"] = f"Bearer {token}"
    assert client.post("/products", json={"name": "Teapot", "price": 30}).status_code == 201


def test_posting_a_review_updates_the_products_rating(client: TestClient, token: str) -> None:
    # The rating is recomputed by a task run after the response; the test client waits for
    # the whole exchange, task included, so the next request sees its result.
    client.headers["Authorization"] = f"Bearer {token}"
    product = client.post("/products", json={"name": "Teapot", "price": 30}).json()
    assert (product["rating"], product["review_count"]) == (None, 0)
    url = f"/products/{product['id']}"

    posted = client.post(f"{url}/reviews", json={"rating": 5, "comment": "Pours well"})
    assert posted.status_code == 201
    assert posted.json() == {
        "id": posted.json()["id"],
        "product_id": product["id"],
        "rating": 5,
        "comment": "Pours well",
    }
    assert client.get(url).json()["rating"] == 5.0

    assert client.post(f"{url}/reviews", json={"rating": 2}).status_code == 201
    updated = client.get(url).json()
    assert (updated["rating"], updated["review_count"]) == (3.5, 2)
