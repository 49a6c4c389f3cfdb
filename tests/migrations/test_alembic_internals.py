"""The private Alembic APIs are used in one module, on the Alembic releases they were checked on.

``framework/migrations/internals.py`` wraps every private call; these tests fail with a message
naming it when another Alembic release is installed, when a private name is gone or has other
parameters, or when a module that uses Alembic reaches a private name the framework does not
define itself anywhere else.
"""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from alembic.autogenerate import render
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionMap

from framework.migrations.internals import NEWEST_ALEMBIC, OLDEST_ALEMBIC

ROOT = Path(__file__).resolve().parents[2]
INTERNALS = "framework/migrations/internals.py"

#: Every private Alembic name the module calls, with the parameters it passes.
PRIVATE_CALLS = [
    (Script, "_from_path", ["scriptdir", "path"]),
    (RevisionMap, "_get_ancestor_nodes", ["targets", "map_", "check", "include_dependencies"]),
    (ScriptDirectory, "_upgrade_revs", ["destination", "current_rev"]),
    (ScriptDirectory, "_downgrade_revs", ["destination", "current_rev"]),
    (ScriptDirectory, "_stamp_revs", ["revision", "heads"]),
    (render, "_render_cmd_body", ["op_container", "autogen_context"]),
    (render, "_indent", ["text"]),
]


def release(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(re.sub(r"\D.*", "", minor))


def shown(pair: tuple[int, int]) -> str:
    return f"{pair[0]}.{pair[1]}"


def test_the_installed_alembic_is_a_release_the_internals_were_checked_on() -> None:
    installed = version("alembic")
    assert OLDEST_ALEMBIC <= release(installed) <= NEWEST_ALEMBIC, (
        f"Alembic {installed} is not among the releases whose private APIs {INTERNALS} was "
        f"checked against ({shown(OLDEST_ALEMBIC)} to {shown(NEWEST_ALEMBIC)}): read each "
        "private call there against this release, run the migration tests, then widen "
        "OLDEST_ALEMBIC/NEWEST_ALEMBIC and the alembic requirement in pyproject.toml."
    )


def test_pyproject_allows_exactly_the_checked_releases() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [requirement] = [
        line for line in project["project"]["dependencies"] if line.startswith("alembic")
    ]
    next_minor = (NEWEST_ALEMBIC[0], NEWEST_ALEMBIC[1] + 1)
    assert requirement == f"alembic>={shown(OLDEST_ALEMBIC)},<{shown(next_minor)}", (
        f"pyproject.toml asks for {requirement!r}, but {INTERNALS} was checked on "
        f"{shown(OLDEST_ALEMBIC)} to {shown(NEWEST_ALEMBIC)}"
    )


@pytest.mark.parametrize(
    ("owner", "name", "parameters"),
    PRIVATE_CALLS,
    ids=[f"{getattr(owner, '__name__', owner)}.{name}" for owner, name, _ in PRIVATE_CALLS],
)
def test_each_private_api_is_still_there_with_its_parameters(
    owner: object, name: str, parameters: list[str]
) -> None:
    function = getattr(owner, name, None)
    assert callable(function), (
        f"Alembic {version('alembic')} has no {name}, which {INTERNALS} calls: replace it there."
    )
    found = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
    assert found == parameters, (
        f"Alembic {version('alembic')} changed the parameters of {name} ({found}), which "
        f"{INTERNALS} calls with {parameters}: adapt the call there."
    )


def own_private_names() -> set[str]:
    """Return the private names the framework defines itself (functions, classes, attributes)."""
    names: set[str] = set()
    for path in (ROOT / "framework").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.id if isinstance(node, ast.Name) else node.attr)
    return {name for name in names if name.startswith("_")}


#: Private attributes of other libraries that modules importing Alembic may use, and why.
NOT_ALEMBIC = {
    "_type_affinity": "SQLAlchemy's TypeEngine attribute (see framework/migrations/changes.py)",
}


def test_private_alembic_apis_are_used_only_in_the_internals_module() -> None:
    own = own_private_names()
    elsewhere = []
    for path in sorted((ROOT / "framework").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        source = path.read_text()
        if relative == INTERNALS or "alembic" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alembic"):
                elsewhere += [
                    f"{relative}:{node.lineno} imports {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
            elif (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in own
                and node.attr not in NOT_ALEMBIC
            ):
                elsewhere.append(f"{relative}:{node.lineno} uses {node.attr}")
    assert not elsewhere, f"private Alembic APIs outside {INTERNALS}: {elsewhere}"
