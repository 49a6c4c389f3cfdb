"""``aadd`` and ``aincr`` are atomic between two real processes on every shared backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from framework.cache import caches

from .conftest import cache_settings, database_url

pytestmark = pytest.mark.postgres

WORKER = Path(__file__).with_name("race_worker.py")
REPO = Path(__file__).resolve().parents[2]
INCREMENTS, SLOTS = 300, 200


def start_racer(values: dict[str, Any]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("FRAMEWORK_SETTINGS_MODULE", None)
    arguments = [json.dumps(values), str(INCREMENTS), str(SLOTS)]
    return subprocess.Popen(
        [sys.executable, str(WORKER), *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("kind", ["redis", "database-sqlite", "database-postgres"])
def test_two_processes_never_lose_an_increment_nor_both_win_an_add(
    kind: str, configured: str
) -> None:
    from framework.conf import settings

    values = {
        "CACHES": settings.CACHES,
        "INSTALLED_APPS": list(settings.INSTALLED_APPS),
        "DATABASES": settings.DATABASES,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    caches["default"].set("counter", 0, timeout=None)
    racers = [start_racer(values) for _ in range(2)]
    try:
        for racer in racers:  # both are set up before either starts: they overlap
            assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
        for racer in racers:
            assert racer.stdin is not None
            racer.stdin.write("go\n")
            racer.stdin.flush()
        results = []
        for racer in racers:
            out, err = racer.communicate(timeout=300)
            assert racer.returncode == 0, err
            results.append(json.loads(out))
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
                racer.wait()
    assert caches["default"].get("counter") == 2 * INCREMENTS
    first, second = ({*result["won"]} for result in results)
    assert not first & second
    assert first | second == set(range(SLOTS))
    winners = caches["default"].get_many([f"slot:{n}" for n in range(SLOTS)])
    for result in results:
        assert all(winners[f"slot:{n}"] == result["pid"] for n in result["won"])


@pytest.fixture
def configured(kind: str) -> Any:
    """Settings of this process pointing at the backend the racers share."""
    from tests.support.databases import release_postgres_database

    from .conftest import prepare

    url, name = database_url(kind) if kind.startswith("database") else (None, None)
    prepare(cache_settings(kind, url))
    yield kind
    if name is not None:
        release_postgres_database(name)
