"""``manage.py collectstatic``: copy every app's static files into STATIC_ROOT."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["collectstatic"]


@click.command()
@click.option("--clear", is_flag=True, help="Delete what STATIC_ROOT holds before copying.")
@click.option("--dry-run", "-n", is_flag=True, help="List what would be copied; copy nothing.")
@click.option(
    "--manifest",
    is_flag=True,
    help="Also copy each file under a content-hashed name and write staticfiles.json.",
)
def collectstatic(clear: bool, dry_run: bool, manifest: bool) -> None:
    """Copy STATICFILES_DIRS and each app's static/ into STATIC_ROOT (first one wins)."""
    from framework.conf import settings
    from framework.console import get_console, print_warning
    from framework.exceptions import CommandError
    from framework.web.staticfiles import collect_static, static_source_dirs

    if not settings.STATIC_ROOT:
        raise CommandError(
            "STATIC_ROOT is not set, so there is nowhere to collect static files to: set it "
            "in the settings, e.g. STATIC_ROOT = BASE_DIR / 'staticfiles'."
        )
    destination = Path(settings.STATIC_ROOT)
    if not destination.is_absolute():
        destination = Path(settings.BASE_DIR) / destination
    sources = static_source_dirs(settings)
    if destination.resolve() in {source.resolve() for source in sources}:
        raise CommandError(
            f"STATIC_ROOT ({destination}) is also a source of static files; point it to a "
            "folder of its own."
        )
    result = collect_static(sources, destination, clear=clear, dry_run=dry_run, manifest=manifest)
    for relative, source in result.duplicates:
        print_warning(f"{relative} in {source} is hidden by a file of the same path found first.")
    for path in result.skipped:
        print_warning(f"Skipped {path}: it is a link to a file outside its static folder.")
    verb = "would be copied" if dry_run else "copied"
    get_console().print(f"{len(result.copied)} static file(s) {verb} to {destination}.")
    if result.hashed:
        get_console().print(
            f"{len(result.hashed)} content-hashed name(s) written to {destination}/"
            "staticfiles.json."
        )
