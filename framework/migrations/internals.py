"""The private Alembic APIs the migration layer relies on, each behind one named function.

Alembic's public API is its command line and ``env.py``; driving it from inside the
framework (without either) needs a few of its internals. They are all called here, each with
the reason no public API serves, so one module is read when Alembic changes.
``tests/migrations/test_alembic_internals.py`` pins the releases they were checked against
(:data:`OLDEST_ALEMBIC` to :data:`NEWEST_ALEMBIC`, the range ``pyproject.toml`` allows) and
fails with a message naming this module on any other release.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Literal

from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _indent, _render_cmd_body
from alembic.operations import ops
from alembic.runtime.migration import RevisionStep, StampStep
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import Revision, RevisionMap

__all__ = [
    "NEWEST_ALEMBIC",
    "OLDEST_ALEMBIC",
    "ancestors",
    "downgrade_steps",
    "load_script",
    "render_operations",
    "stamp_steps",
    "upgrade_steps",
]

#: The oldest and newest Alembic releases (major, minor) whose internals below were checked.
OLDEST_ALEMBIC = (1, 14)
NEWEST_ALEMBIC = (1, 20)


def load_script(directory: ScriptDirectory, path: Path) -> Script | None:
    """Load one revision file (None for a file that is not one, like ``__init__.py``)."""
    # Script._from_path: ScriptDirectory only loads whole folders at once, and would stop at
    # the first bad file without saying which app it belongs to; files are vetted one by one.
    return Script._from_path(directory, path)


def ancestors(
    revision_map: RevisionMap, targets: Collection[Revision | Literal["base"] | None]
) -> Iterator[Revision]:
    """Yield every revision *targets* imply applied, ``depends_on`` dependencies included."""
    # RevisionMap._get_ancestor_nodes: the public iterate_revisions() walks between two bounds
    # of one branch; this walks everything below several heads, across branches.
    return revision_map._get_ancestor_nodes(targets, include_dependencies=True)


def upgrade_steps(
    directory: ScriptDirectory, target: str, heads: tuple[str, ...]
) -> list[RevisionStep]:
    """Return the steps that take a database at *heads* up to *target*."""
    # ScriptDirectory._upgrade_revs: what Alembic's own upgrade command hands to env.py;
    # the framework is its own env.py, so it plans the same way. Alembic annotates the
    # current revision as one string, yet its commands pass the heads tuple, as here.
    return directory._upgrade_revs(
        target,
        heads,  # type: ignore[arg-type]  # Alembic: current_rev annotated as one str
    )


def downgrade_steps(
    directory: ScriptDirectory, target: str, heads: tuple[str, ...]
) -> list[RevisionStep]:
    """Return the steps that take a database at *heads* down to *target*."""
    # ScriptDirectory._downgrade_revs: the downgrade command's plan, as for upgrade_steps()
    # (the current revision annotated as one string or None, the same tuple).
    return directory._downgrade_revs(
        target,
        heads,  # type: ignore[arg-type]  # Alembic: current_rev annotated str | None
    )


def stamp_steps(
    directory: ScriptDirectory, target: tuple[str, ...], heads: tuple[str, ...]
) -> list[StampStep]:
    """Return the steps that record *target* in the version table without running anything."""
    # ScriptDirectory._stamp_revs: the stamp command's plan, as for upgrade_steps().
    return directory._stamp_revs(target, heads)


def render_operations(operations: ops.OpContainer, context: AutogenContext) -> str:
    """Return the Python code of *operations*, indented for a migration's function body.

    The imports the code needs are added to ``context.imports``.
    """
    # autogenerate.render._render_cmd_body and _indent: the public render_python_code() does
    # the same, but copies the imports into a set of its own and drops them.
    return _indent(_render_cmd_body(operations, context))
