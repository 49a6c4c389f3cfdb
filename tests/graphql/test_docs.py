"""docs/graphql.md's complete app runs as printed, in a project made by ``startproject``.

The settings lines, ``library/models.py`` and ``library/graphql.py`` are written into a new
project; the page's own commands make the tables, the editor and her token; uvicorn
serves the project; the page's client script runs against it and prints exactly the output
the page shows. The Graphene example is checked in the Graphene environment.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import BIN, free_port, run, start_server

pytestmark = pytest.mark.e2e

PAGE = Path(__file__).resolve().parents[2] / "docs" / "graphql.md"
BLOCK = re.compile(r"^```(python|text|console)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(kind: str) -> list[str]:
    return [
        text for found, text in BLOCK.findall(PAGE.read_text(encoding="utf-8")) if found == kind
    ]


def block(kind: str, marker: str) -> str:
    found = [text for text in blocks(kind) if marker in text]
    assert len(found) == 1, f"{len(found)} ```{kind} blocks of graphql.md contain {marker!r}"
    return found[0]


def commands(console: str) -> list[list[str]]:
    """Return the ``$ …`` lines of a console block, split as a shell would (comments dropped)."""
    lines = [line[2:] for line in console.splitlines() if line.startswith("$ ")]
    return [shlex.split(line, comments=True) for line in lines]


def ok(result: object) -> str:
    output = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 0, output  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def test_the_complete_app_runs_as_printed(tmp_path: Path) -> None:
    ok(run([str(BIN / "framework"), "startproject", "mysite"], tmp_path))
    project = tmp_path / "mysite"
    manage = [sys.executable, "manage.py"]
    ok(run([*manage, "startapp", "library"], project))
    settings = project / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + "\n" + block("python", "GRAPHQL_AUTHENTICATION"))
    for name in ("models.py", "graphql.py"):
        (project / "library" / name).write_text(block("python", f"# library/{name}"))
    token = ""
    for command in commands(block("console", "users token create")):
        if command[:2] != ["python", "manage.py"] or command[2] == "runserver":
            continue
        printed = ok(run([sys.executable, *command[1:]], project))  # no terminal: no prompt
        token = printed.strip() if command[2:4] == ["users", "token"] else token
    assert token
    schema = ok(run([*manage, "graphql-schema"], project))
    assert "addBook(title: String!, author: String!): BookType!" in schema
    port = free_port()
    server_args = [sys.executable, "-m", "uvicorn", "mysite.asgi:app", "--port", str(port)]
    client = block("python", "LIBRARY_TOKEN").replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    (tmp_path / "client.py").write_text(client)
    with start_server([*server_args, "--log-level", "warning"], project, port) as server:
        server.get("/graphql?query={me}")
        printed = ok(
            run([sys.executable, str(tmp_path / "client.py")], tmp_path, LIBRARY_TOKEN=token)
        )
        log = server.output()
    assert printed == block("text", "connection_ack")
    assert "Traceback" not in log, log


def test_every_python_block_is_exercised() -> None:
    markers = ("GRAPHQL_AUTHENTICATION", "# library/models.py", "# library/graphql.py")
    markers += ("LIBRARY_TOKEN", "def payroll", "import graphene", 'GRAPHQL_SCHEMA = "mysite')
    markers += ("# chat/graphql.py",)
    for text in blocks("python"):
        assert any(marker in text for marker in markers), text[:80]
        compile(text, "graphql.md", "exec")


async def test_the_broadcast_subscription_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import types

    import strawberry

    module = types.ModuleType("docs_chat")  # Strawberry reads annotations through the module
    monkeypatch.setitem(sys.modules, "docs_chat", module)
    exec(compile(block("python", "# chat/graphql.py"), "graphql.md", "exec"), module.__dict__)
    namespace = module.__dict__

    @strawberry.type
    class Query:
        ok: bool = True

    schema = strawberry.Schema(
        Query, mutation=namespace["Mutation"], subscription=namespace["Subscription"]
    )
    stream = await schema.subscribe("subscription { messages(room: 1) }")
    first = asyncio.ensure_future(stream.__anext__())
    for _ in range(100):  # broadcast delivers once the subscription listens: say it until then
        said = await schema.execute('mutation { say(room: 1, text: "hi") }')
        assert said.data == {"say": True}
        done, _ = await asyncio.wait({first}, timeout=0.05)
        if done:
            break
    assert first.result().data == {"messages": "hi"}
    await stream.aclose()
