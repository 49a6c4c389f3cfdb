"""``dumpdata``, ``loaddata`` and ``flush``: the rows of the models, as JSON fixtures."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["dumpdata", "flush", "loaddata"]


@click.command()
@click.argument("selectors", nargs=-1, metavar="[APP[.Model]]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of printing.",
)
@click.option("--indent", type=click.IntRange(min=0), default=2, show_default=True)
async def dumpdata(selectors: tuple[str, ...], output: Path | None, indent: int) -> None:
    """Print the rows of every model (or of APP, APP.Model) as a JSON fixture."""
    import json

    from framework.cli.files import write_text
    from framework.db.fixtures import dump, targets

    objects = await dump(targets(selectors))
    text = json.dumps(objects, indent=indent or None, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)
    click.echo(f"Wrote {len(objects)} object(s) to {output}.", err=True)


@click.command()
@click.argument("fixtures", nargs=-1, required=True, metavar="FIXTURE...")
async def loaddata(fixtures: tuple[str, ...]) -> None:
    """Load FIXTURE files (paths, or names found in each app's fixtures/ folder).

    Everything is read and checked first, then written parents first in one transaction:
    a bad fixture changes nothing.
    """
    from framework.db.fixtures import find_fixtures, load, read_fixture

    paths = [path for name in fixtures for path in find_fixtures(name)]
    records = [record for path in paths for record in read_fixture(path)]
    count = await load(records)
    click.echo(f"Installed {count} object(s) from {len(paths)} fixture(s).")


@click.command()
@click.option(
    "--noinput", "--no-input", "noinput", is_flag=True, help="Do not ask for confirmation."
)
async def flush(noinput: bool) -> None:
    """Delete every row of every model table; the schema and migration history stay."""
    from framework.db.fixtures import flush as flush_tables
    from framework.db.fixtures import targets

    if not noinput:
        click.confirm(
            "This deletes every row of every model table in the project's databases. Are you sure?",
            default=False,
            abort=True,
        )
    deleted = await flush_tables(targets())
    click.echo(f"Deleted {sum(deleted.values())} row(s) from {len(deleted)} table(s).")
