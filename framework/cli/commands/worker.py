"""``manage.py worker``: run the jobs of a task backend (and its periodic schedules)."""

from __future__ import annotations

import click

__all__ = ["worker"]


def _queues(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name at least one queue, e.g. --queues emails,default")
    return names


@click.command()
@click.option(
    "--queues",
    metavar="A,B",
    callback=_queues,
    help="Take jobs from these queues only (comma-separated; default: every queue).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Jobs run at once.",
)
@click.option(
    "--no-periodic",
    "no_periodic",
    is_flag=True,
    help="Do not enqueue the @periodic tasks (another worker does).",
)
@click.option(
    "--backend",
    "alias",
    default="default",
    show_default=True,
    metavar="ALIAS",
    help="The TASKS alias to work for.",
)
async def worker(queues: list[str] | None, concurrency: int, no_periodic: bool, alias: str) -> None:
    """Run queued jobs until SIGTERM or Ctrl-C, then finish the running ones and exit."""
    from framework.tasks.config import task_backends
    from framework.tasks.workers import WorkerOptions, configure_logging, run_worker

    configure_logging()
    backend = task_backends[alias]
    options = WorkerOptions(queues=queues, concurrency=concurrency, periodic=not no_periodic)
    await run_worker(backend, options)
