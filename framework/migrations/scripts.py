"""Load one database's migration files into an Alembic script directory, and vet them.

Everything that would make an upgrade ambiguous is refused here, before a connection is
opened: a revision that points at a missing file, a revision id used twice, two heads in
one app, an app whose first migration does not carry its label.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionError, RevisionMap
from alembic.util import to_tuple

from framework.exceptions import CommandError
from framework.migrations.internals import ancestors, load_script
from framework.migrations.locations import AppMigrations

if TYPE_CHECKING:
    from alembic.script.revision import Revision

__all__ = ["TEMPLATE_DIR", "MigrationError", "MigrationScripts"]

#: Holds ``script.py.mako``, the template of new revision files.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


class MigrationError(CommandError):
    """Migrations cannot run as asked; the message names the revisions and the fix."""


class MigrationScripts:
    """The migration files of one database, grouped by app."""

    def __init__(
        self, alias: str, entries: list[AppMigrations], *, check_heads: bool = True
    ) -> None:
        self.alias = alias
        self.entries = entries
        self.by_label = {entry.label: entry for entry in entries}
        self.directory = ScriptDirectory(
            str(TEMPLATE_DIR),
            version_locations=[str(entry.directory) for entry in entries],
            messaging_opts={"quiet": True},
        )
        self._app_of: dict[str, str] = {}
        #: Each revision a squashed migration replaces -> (the squashed one, its range).
        self.replaced_by: dict[str, tuple[str, tuple[str, ...]]] = {}
        revisions = self._load()
        self.directory.revision_map = RevisionMap(lambda: iter(revisions))
        if check_heads:
            self._check_heads()

    # -- loading and vetting --------------------------------------------------------------

    def _load(self) -> list[Script]:
        folders = {entry.directory.resolve(): entry.label for entry in self.entries}
        revisions: list[Script] = []
        paths: dict[str, str] = {}
        for entry in self.entries:
            if not entry.revision_files():
                continue
            for script in self._scripts_in(entry):
                if script.revision in paths:
                    first = paths[script.revision]
                    raise MigrationError(
                        f"Revision {script.revision!r} is defined twice: in {first} and in "
                        f"{script.path}; give one of them a new revision id."
                    )
                paths[script.revision] = script.path
                self._app_of[script.revision] = folders[Path(script.path).resolve().parent]
                revisions.append(script)
                replaces = tuple(getattr(script.module, "replaces", None) or ())
                for old in replaces:
                    self.replaced_by[old] = (script.revision, replaces)
        self._check_references(revisions)
        return revisions

    def _scripts_in(self, entry: AppMigrations) -> Iterable[Script]:
        for path in entry.revision_files():
            try:
                script = load_script(self.directory, path)
            except Exception as exc:
                raise MigrationError(
                    f"Migration file {path} failed to load: {type(exc).__name__}: {exc}"
                ) from exc
            if script is not None:
                yield script

    def _check_references(self, revisions: list[Script]) -> None:
        known = {script.revision for script in revisions}
        labels = {label for script in revisions for label in script.branch_labels}
        for script in revisions:
            app = self._app_of[script.revision]
            for parent in _parents(script):
                if parent not in known:
                    raise MigrationError(
                        f"Migration {script.revision!r} of app {app!r} ({script.path}) revises "
                        f"{parent!r}, but no migration file defines it: restore the missing "
                        "file (or fix down_revision)."
                    )
            for dependency in to_tuple(script.dependencies, default=()):
                if dependency not in known and dependency not in labels:
                    raise MigrationError(
                        f"Migration {script.revision!r} of app {app!r} ({script.path}) depends "
                        f"on {dependency!r}, but no migration file defines it: install the app "
                        "that provides it, or restore the missing file."
                    )
            if not _parents(script) and app not in script.branch_labels:
                raise MigrationError(
                    f"Migration {script.revision!r} ({script.path}) starts the history of app "
                    f"{app!r} but its branch_labels are {tuple(script.branch_labels)!r}; set "
                    f"branch_labels = ({app!r},)."
                )

    def _check_heads(self) -> None:
        for label, heads in self.heads_by_app().items():
            if len(heads) > 1:
                shown = ", ".join(sorted(heads))
                raise MigrationError(
                    f"App {label!r} has {len(heads)} heads on database {self.alias!r} ({shown}):"
                    f" run 'python manage.py db-merge {label}' to join them."
                )

    # -- queries --------------------------------------------------------------------------

    def revisions(self) -> list[Script]:
        """Return every revision, newest first (Alembic's walk order)."""
        return list(self.directory.walk_revisions())

    def get(self, revision: str) -> Script:
        """Return the script of *revision* (a full or unique partial id)."""
        try:
            script = self.directory.revision_map.get_revision(revision)
        except RevisionError as exc:
            raise MigrationError(f"Database {self.alias!r}: {exc}") from None
        if not isinstance(script, Script):
            raise MigrationError(f"No migration {revision!r} on database {self.alias!r}.")
        return script

    @contextlib.contextmanager
    def translate_errors(self) -> Iterator[None]:
        """Turn Alembic's errors about revisions into a one-line ``MigrationError``."""
        from alembic.util import CommandError as AlembicCommandError

        try:
            yield
        except (RevisionError, AlembicCommandError) as exc:
            raise MigrationError(f"Database {self.alias!r}: {exc}") from None

    def knows(self, revision: str) -> bool:
        """Return whether *revision* (a full or unique partial id) is one of these files."""
        try:
            self.get(revision)
        except Exception:
            return False
        return True

    def add(self, script: Script, label: str) -> None:
        """Record *script*, just written into app *label*'s folder."""
        self._app_of[script.revision] = label

    def app_of(self, revision: str) -> str:
        """Return the label of the app whose folder holds *revision*."""
        return self._app_of[revision]

    def heads_by_app(self) -> dict[str, list[str]]:
        """Return each app's head revisions (several mean the app needs a merge)."""
        parents_in_app: dict[str, set[str]] = {}
        members: dict[str, list[str]] = {}
        for revision, label in self._app_of.items():
            script = self.directory.revision_map.get_revision(revision)
            assert script is not None
            members.setdefault(label, []).append(revision)
            parents_in_app.setdefault(label, set()).update(_parents(script))
        return {
            label: [rev for rev in revisions if rev not in parents_in_app[label]]
            for label, revisions in members.items()
        }

    def head_of(self, label: str) -> str | None:
        """Return the single head of app *label*, or None before its first migration."""
        heads = self.heads_by_app().get(label, [])
        return heads[0] if heads else None

    def applied(self, heads: Iterable[str]) -> set[str]:
        """Return every revision that database *heads* imply applied (dependencies too)."""
        revision_map = self.directory.revision_map
        targets = revision_map.get_revisions(tuple(heads))
        return {revision.revision for revision in ancestors(revision_map, targets)}

    def applied_by_app(self, heads: Iterable[str]) -> dict[str, str]:
        """Return each app's newest applied revision, given the database *heads*."""
        applied = self.applied(heads)
        newest: dict[str, str] = {}
        parents: set[str] = set()
        for revision in applied:
            parents.update(_parents(self.get(revision)))
        for revision in applied:
            if revision not in parents:
                newest[self.app_of(revision)] = revision
        return newest

    def database_heads(self, heads: Iterable[str]) -> tuple[str, ...]:
        """Return the recorded *heads* with a squashed range's last revision read as the squash.

        A database that ran every migration a squash replaces is where the squash leaves it;
        one stopped inside the range cannot be placed, and is refused with the way out.
        """
        translated = []
        for head in heads:
            if head in self._app_of or head not in self.replaced_by:
                translated.append(head)
                continue
            squashed, replaced = self.replaced_by[head]
            if head != replaced[-1]:
                raise MigrationError(
                    f"Database {self.alias!r} is at {head!r}, inside the range {replaced[0]}.."
                    f"{replaced[-1]} that migration {squashed!r} replaces: upgrade it to "
                    f"{replaced[-1]!r} with the code from before the squash, then upgrade again."
                )
            translated.append(squashed)
        return tuple(translated)

    def check_database_heads(self, heads: Iterable[str]) -> None:
        """Refuse revisions recorded in the database that no migration file defines."""
        for head in heads:
            if head not in self._app_of:
                raise MigrationError(
                    f"Database {self.alias!r} is at revision {head!r}, which no migration file "
                    "defines (was a file deleted, or is the app missing from INSTALLED_APPS?):"
                    " restore it, or fix the version table with 'python manage.py db-stamp'."
                )

    def describe(self, revision: Revision | Script) -> str:
        """Return ``"<app> <rev> <message>"`` for progress lines and errors."""
        message = (getattr(revision, "doc", "") or "").strip().splitlines()
        text = message[0] if message else ""
        return f"{self.app_of(revision.revision)} {revision.revision} {text}".rstrip()


def _parents(revision: Revision | Script) -> tuple[str, ...]:
    """Return the revisions *revision* directly follows (its ``down_revision``, as a tuple)."""
    return tuple(to_tuple(revision.down_revision, default=()))
