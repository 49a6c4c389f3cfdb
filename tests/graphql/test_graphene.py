"""A Graphene schema through the same endpoint, in an environment with Graphene and no Strawberry.

Graphene and Strawberry need different graphql-core versions, so they cannot share one
environment. The ``graphene_python`` fixture makes a virtualenv with Graphene (created once,
kept beside this environment's ``sys.prefix`` for later runs) that sees this environment's
packages through links, less Strawberry and its graphql-core, as a project installed with
``framework[graphene]`` would be. A real uvicorn serves the
project from that environment; httpx and websockets talk to it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import free_port, run, start_server
from tests.support.databases import scratch_folder

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ENVIRONMENT = Path(sys.prefix) / "graphene-env"
GRAPHENE = "graphene>=3.3,<4"
#: This environment's packages the Graphene environment must not see (theirs are different).
HIDDEN = ("strawberry", "graphql", "cross_web")


def environment_python() -> Path:
    """Create (once) the Graphene environment; return its interpreter."""
    python = ENVIRONMENT / "bin" / "python"
    marker = ENVIRONMENT / "ready.txt"
    packages = sorted(entry.name for entry in Path(sysconfig.get_paths()["purelib"]).iterdir())
    key = "\n".join([GRAPHENE, *packages])  # made again when this environment's packages change
    if marker.exists() and marker.read_text() == key:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(ENVIRONMENT)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", GRAPHENE],
        check=True,
        timeout=600,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    shared = ENVIRONMENT / "shared"  # this environment's packages, less the hidden ones
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().replace("-", "_").startswith(HIDDEN):
            (shared / entry.name).symlink_to(entry)
    (site / "framework_environment.pth").write_text(f"{REPO}\n{shared}\n")
    marker.write_text(key)
    return python


@pytest.fixture(scope="session")
def graphene_python() -> Path:
    return environment_python()


@pytest.fixture(scope="module")
def graphene_server(graphene_python: Path) -> Iterator[str]:
    port = free_port()
    args = [str(graphene_python), "-c", SERVE, str(port)]
    env = {"FRAMEWORK_SETTINGS_MODULE": "tests.fixtures.grapheneproject.settings"}
    with start_server(args, scratch_folder(), port, **env) as server:
        server.get("/graphql?query={hello}")
        yield server.url


#: Serve the project's app with uvicorn (the project has no asgi module of its own).
SERVE = """\
import sys
import uvicorn
from framework.web import get_asgi_application
uvicorn.run(get_asgi_application(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def test_the_environment_has_graphene_and_no_strawberry(graphene_python: Path) -> None:
    code = (
        "import importlib.util, graphql, graphene; "
        "print(graphql.__version__, importlib.util.find_spec('strawberry'))"
    )
    result = run([str(graphene_python), "-c", code], REPO)
    assert result.returncode == 0, result.stderr
    version, strawberry = result.stdout.split()
    assert version.startswith("3.2.") and strawberry == "None"


def post(url: str, query: str, **headers: str) -> dict[str, object]:
    answer = httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_graphene_schema_answers_queries_and_mutations(graphene_server: str) -> None:
    assert post(graphene_server, '{ hello(name: "dyne") }') == {"data": {"hello": "Hello dyne"}}
    mutation = 'mutation { createMessage(name: "a", message: "b") { ok message } }'
    assert post(graphene_server, mutation) == {
        "data": {"createMessage": {"ok": True, "message": "Message from a: b"}}
    }
    over_get = httpx.get(f"{graphene_server}/graphql", params={"query": mutation}, timeout=30)
    assert over_get.status_code == 405


def test_graphene_resolvers_get_the_guards_and_the_limits(graphene_server: str) -> None:
    refused = post(graphene_server, "{ secret }")
    assert refused["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "status": 401}  # type: ignore[index]
    admitted = post(graphene_server, "{ secret }", Authorization="Bearer graphene-token")
    assert admitted == {"data": {"secret": "secret of gene"}}
    deep = post(graphene_server, "{ me { me { me { me { hello } } } } }")
    assert deep["data"] is None
    assert "GRAPHQL_MAX_DEPTH" in json.dumps(deep["errors"])
    introspection = post(graphene_server, "{ __schema { types { name } } }")
    assert "introspection" in json.dumps(introspection["errors"])


def test_transport_errors_keep_the_framework_shape(graphene_server: str) -> None:
    answer = httpx.post(f"{graphene_server}/graphql", content=b"{ hello }", timeout=30)
    assert answer.status_code == 415
    assert answer.json()["errors"][0]["loc"] == ["header", "content-type"]
    two = {"query": 'query A { hello(name: "a") } query B { hello(name: "b") }'}
    unnamed = httpx.post(f"{graphene_server}/graphql", json=two, timeout=30)
    assert unnamed.status_code == 400
    assert unnamed.json()["detail"].startswith("Must provide operation name if query contains")


def test_subscriptions_need_strawberry(graphene_server: str) -> None:
    url = graphene_server.replace("http://", "ws://") + "/graphql"
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(url, subprotocols=["graphql-transport-ws"], open_timeout=30),
    ):
        pass
    assert refused.value.response.status_code == 403


def test_the_apps_types_without_strawberry_name_the_extra(graphene_python: Path) -> None:
    code = (
        "import framework\n"
        "from framework.conf import settings\n"
        "settings.configure(INSTALLED_APPS=['framework.graphql'])\n"
        "framework.setup()\n"
        "from framework.graphql.schema import build_engine\n"
        "try:\n"
        "    build_engine(settings.wrapped)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    result = run([str(graphene_python), "-c", code], REPO)
    assert result.stdout.strip() == (
        "MissingDependencyError 'strawberry-graphql' is required for the apps' GraphQL types "
        'but is not installed: pip install "framework[graphql]"'
    ), result.stderr
