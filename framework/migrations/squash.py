"""``db-squash``: replace a range of one app's migrations with a single one.

Alembic has no ``replaces`` (Django's way to keep old and squashed migrations side by side):
one revision graph cannot hold both, because the app would have two heads. So the squashed
file takes the range's place in the graph — its parent is the parent of the first replaced
migration, the migration after the range (and any ``depends_on`` naming a replaced one)
points at it, and the replaced files are removed — and it records ``replaces = (...)``.

That record is how databases in every state keep working (see
:meth:`MigrationScripts.database_heads`): a database that never ran the range runs the
squashed migration, whose ``upgrade()`` calls each replaced upgrade in order; a database
that ran the whole range is recognised and moved onto the squashed revision without running
anything. A database stopped inside the range could be placed by neither, so squashing while
one is there is refused before anything is written (upgrade it to the range's end first).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic.script import Script
from alembic.util import rev_id, to_tuple

from framework.migrations.scripts import MigrationError, MigrationScripts
from framework.migrations.writer import WrittenMigration

__all__ = ["squash_migrations"]

_METADATA = {"revision", "down_revision", "branch_labels", "depends_on", "replaces"}


@dataclass
class _Parts:
    """The code of the replaced migrations, merged."""

    imports: list[str]
    helpers: list[str]
    steps: list[tuple[str, str]]  # (upgrade source, downgrade source), oldest first


def squash_migrations(
    scripts: MigrationScripts,
    label: str,
    start: str | None,
    end: str,
    message: str | None,
    recorded: Iterable[str] = (),
) -> WrittenMigration:
    """Write one migration replacing *label*'s migrations *start*..*end* (start: the first).

    *recorded* are the revisions the database holds: one strictly inside the range is refused.
    """
    chain = _chain(scripts, label, start, end)
    _refuse_database_inside(scripts.alias, [script.revision for script in chain], recorded)
    entry = scripts.by_label[label]
    if not entry.local:
        raise MigrationError(
            f"App {label!r} is installed from a package; squash its migrations in its own "
            "source tree, then upgrade the package."
        )
    replaced = [script.revision for script in chain]
    dependents = _dependents(scripts, replaced)
    parts = _merge([Path(script.path) for script in chain])
    first = chain[0]
    revision = rev_id()
    message = message or f"squashed {replaced[0]} to {replaced[-1]}"
    path = entry.directory / f"{revision}_{_slug(message)}.py"
    depends = sorted(
        {dep for script in chain for dep in to_tuple(script.dependencies, default=())}
        - set(replaced)
    )
    path.write_text(
        _render(label, revision, first, replaced, depends, message, parts), encoding="utf-8"
    )
    for script in dependents:
        _repoint(Path(script.path), replaced, revision)
    for script in chain:
        Path(script.path).unlink()
    return WrittenMigration(
        app=label,
        revision=revision,
        path=path,
        message=message,
        changes=[f"replaces {', '.join(replaced)}"],
        depends_on=depends,
    )


def _chain(scripts: MigrationScripts, label: str, start: str | None, end: str) -> list[Script]:
    """Return the app's migrations from *start* to *end*, oldest first, checked linear."""
    last = scripts.get(end)
    if scripts.app_of(last.revision) != label:
        raise MigrationError(f"Migration {end!r} is not one of app {label!r}'s.")
    chain = [last]
    first = scripts.get(start) if start else None
    while first is None or chain[-1].revision != first.revision:
        parents = to_tuple(chain[-1].down_revision, default=())
        if len(parents) > 1:
            raise MigrationError(
                f"Migration {chain[-1].revision!r} merges several heads; squash the ranges "
                "before or after it instead."
            )
        if not parents or scripts.app_of(parents[0]) != label:
            if first is None:
                break
            raise MigrationError(
                f"Migration {first.revision!r} does not come before {end!r} in app {label!r}; "
                "give FROM as an earlier revision than TO (see 'python manage.py db-history')."
            )
        chain.append(scripts.get(parents[0]))
    if len(chain) < 2:
        raise MigrationError(f"There is nothing to squash: {end!r} is a single migration.")
    return list(reversed(chain))


def _refuse_database_inside(alias: str, replaced: list[str], recorded: Iterable[str]) -> None:
    """Refuse a squash that would strand database *alias*, stopped inside the range."""
    for head in recorded:
        if head in replaced[:-1]:
            where = "" if alias == "default" else f" --database {alias}"
            raise MigrationError(
                f"Database {alias!r} is at {head!r}, inside the range {replaced[0]}.."
                f"{replaced[-1]} to squash: run 'python manage.py db-upgrade{where} "
                f"{replaced[-1]}' first (on every database at a revision in the range), then "
                "squash again."
            )


def _dependents(scripts: MigrationScripts, replaced: list[str]) -> list[Script]:
    """Return the migrations outside the range that revise or depend on one inside it."""
    found = []
    for script in scripts.revisions():
        if script.revision in replaced:
            continue
        names = set(to_tuple(script.down_revision, default=())) | set(
            to_tuple(script.dependencies, default=())
        )
        if names & set(replaced):
            entry = scripts.by_label[scripts.app_of(script.revision)]
            if not entry.local:
                raise MigrationError(
                    f"Migration {script.revision!r} of the installed app {entry.label!r} "
                    f"depends on {sorted(names & set(replaced))}; squashing would break it."
                )
            found.append(script)
    return found


def _merge(paths: list[Path]) -> _Parts:
    """Return the imports, helpers and upgrade/downgrade bodies of the files at *paths*."""
    imports: list[str] = []
    helpers: dict[str, str] = {}
    steps: list[tuple[str, str]] = []
    for index, path in enumerate(paths, start=1):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        functions: dict[str, str] = {}
        for node in tree.body:
            text = ast.get_source_segment(source, node) or ""
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if getattr(node, "module", None) != "__future__" and text not in imports:
                    imports.append(text)
            elif isinstance(node, ast.FunctionDef) and node.name in ("upgrade", "downgrade"):
                functions[node.name] = re.sub(
                    rf"^def {node.name}\(", f"def _{node.name}_{index}(", text
                )
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # the docstring
            elif _assigned(node) & _METADATA:
                continue
            else:
                _add_helper(helpers, node, text, path)
        steps.append((functions.get("upgrade", ""), functions.get("downgrade", "")))
    return _Parts(imports, list(helpers.values()), steps)


def _assigned(node: ast.stmt) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else []
    if isinstance(node, ast.AnnAssign):
        targets = [node.target]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _add_helper(helpers: dict[str, str], node: ast.stmt, text: str, path: Path) -> None:
    name = getattr(node, "name", None) or next(iter(_assigned(node)), text)
    if name in helpers and helpers[name] != text:
        raise MigrationError(
            f"Two migrations in the range define {name!r} differently (one is {path}); "
            "rename one of them, then squash again."
        )
    helpers[name] = text


def _render(
    label: str,
    revision: str,
    first: Script,
    replaced: list[str],
    depends: list[str],
    message: str,
    parts: _Parts,
) -> str:
    parent = first.down_revision
    labels = (label,) if parent is None else None
    lines = [
        f'"""{message}',
        "",
        f"App: {label}",
        f"Revision ID: {revision}",
        f"Revises: {parent or '-'}",
        f"Replaces: {', '.join(replaced)}",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *parts.imports,
        "",
        f"revision = {revision!r}",
        f"down_revision = {parent!r}",
        f"branch_labels = {labels!r}",
        f"depends_on = {tuple(depends) if depends else None!r}",
        "#: The migrations this one stands for: a database that ran them all is recognised.",
        f"replaces = {tuple(replaced)!r}",
        "",
    ]
    for helper in parts.helpers:
        lines += ["", helper, ""]
    for upgrade, downgrade in parts.steps:
        lines += ["", upgrade, "", "", downgrade, ""]
    calls_up = [f"    _upgrade_{i}()" for i in range(1, len(parts.steps) + 1)]
    calls_down = [f"    _downgrade_{i}()" for i in range(len(parts.steps), 0, -1)]
    lines += ["", "def upgrade() -> None:", *calls_up, "", "", "def downgrade() -> None:"]
    lines += calls_down
    text = "\n".join(lines) + "\n"
    return re.sub(r"\n{4,}", "\n\n\n", text)


def _repoint(path: Path, replaced: list[str], revision: str) -> None:
    """Make the file at *path* revise or depend on *revision* instead of a replaced one."""
    text = path.read_text(encoding="utf-8")
    for old in replaced:
        text = re.sub(rf"(['\"]){re.escape(old)}\1", repr(revision), text)
    path.write_text(text, encoding="utf-8")


def _slug(message: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "squashed"
