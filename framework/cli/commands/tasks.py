"""``manage.py tasks``: look at and act on jobs and schedules (``--json`` for scripts).

``list``, ``show ID``, ``retry ID``, ``cancel ID``, ``prune`` need a durable backend
(``procrastinate``); ``schedule``, ``pause NAME`` and ``resume NAME`` work on the
``@periodic`` tasks discovered in the apps' ``tasks.py``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from typing import TYPE_CHECKING, Any

import click

from framework.exceptions import CommandError

if TYPE_CHECKING:
    from framework.tasks import BaseTaskBackend, TaskResult

__all__ = ["tasks_command"]

_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"]
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
_BACKEND_KEY = "framework.tasks.backend"


@click.group("tasks")
@click.option("--backend", "alias", default="default", show_default=True, metavar="ALIAS")
@click.pass_context
def tasks_command(ctx: click.Context, alias: str) -> None:
    """Inspect and manage jobs and periodic schedules."""
    ctx.meta[_BACKEND_KEY] = alias


def _backend() -> BaseTaskBackend:
    from framework.tasks import discover_tasks, task_backends

    discover_tasks()
    return task_backends[click.get_current_context().meta.get(_BACKEND_KEY, "default")]


async def _call(coroutine: Any) -> Any:
    from framework.tasks import TaskError

    try:
        return await coroutine
    except (TaskError, LookupError) as exc:
        raise CommandError(str(exc)) from exc


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def _show(result: TaskResult, as_json: bool) -> None:
    if as_json:
        _echo_json(result.to_dict())
        return
    from rich.markup import escape

    from framework.console import get_console

    console = get_console()
    for key, value in result.to_dict().items():
        if value not in (None, [], {}) or key in ("status", "args"):
            console.print(f"[bold]{key:>12}[/] {escape(json.dumps(value, default=str))}")


@tasks_command.command("list")
@click.option("--status", type=click.Choice(_STATUSES), help="Only jobs with this status.")
@click.option("--queue", help="Only jobs of this queue.")
@click.option("--task", "task_name", metavar="NAME", help="Only jobs of this task.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
async def list_jobs(
    status: str | None, queue: str | None, task_name: str | None, limit: int, as_json: bool
) -> None:
    """List the newest jobs first."""
    backend = _backend()
    results = await _call(
        backend.alist(status=status, queue=queue, task_name=task_name, limit=limit)
    )
    if as_json:
        _echo_json([result.to_dict() for result in results])
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table("id", "task", "status", "queue", "attempts", "run after", box=None)
    for result in results:
        run_after = result.run_after.isoformat(timespec="seconds") if result.run_after else ""
        table.add_row(
            result.id,
            result.task_name,
            result.status.value,
            result.queue,
            str(result.attempts),
            run_after,
        )
    get_console().print(table if results else "No jobs.")


@tasks_command.command("show")
@click.argument("job_id", metavar="ID")
@json_option
async def show_job(job_id: str, as_json: bool) -> None:
    """Show one job: arguments, status, attempts, return value or error."""
    _show(await _call(_backend().aget_result(job_id)), as_json)


@tasks_command.command("retry")
@click.argument("job_id", metavar="ID")
@json_option
async def retry_job(job_id: str, as_json: bool) -> None:
    """Queue a failed job again."""
    _show(await _call(_backend().aretry(job_id)), as_json)


@tasks_command.command("cancel")
@click.argument("job_id", metavar="ID")
@json_option
async def cancel_job(job_id: str, as_json: bool) -> None:
    """Cancel a queued job, or ask the worker running it to abort."""
    _show(await _call(_backend().acancel(job_id)), as_json)


@tasks_command.command("prune")
@click.option(
    "--days",
    type=click.FloatRange(min=0),
    default=7.0,
    show_default=True,
    help="Delete finished jobs older than this.",
)
@json_option
async def prune_jobs(days: float, as_json: bool) -> None:
    """Delete finished jobs (succeeded, failed, cancelled) older than --days."""
    count = await _call(_backend().aprune(dt.timedelta(days=days)))
    if as_json:
        _echo_json({"deleted": count})
    else:
        click.echo(f"Deleted {count} finished job(s) older than {days:g} day(s).")


@tasks_command.command("schedule")
@json_option
async def schedule(as_json: bool) -> None:
    """List the periodic tasks: cron, next tick (UTC), paused or not."""
    from framework.tasks.scheduler import schedules_of

    backend = _backend()
    paused = await _call(backend.apaused())
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for task in schedules_of(backend.alias):
        assert task.schedule is not None
        rows.append(
            {
                "task": task.name,
                "cron": task.schedule.expression,
                "next": task.schedule.cron.next_after(now).isoformat(),
                "queue": task.queue,
                "paused": task.name in paused,
            }
        )
    if as_json:
        _echo_json(rows)
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table("task", "cron", "next (UTC)", "queue", "paused", box=None)
    for row in rows:
        table.add_row(
            row["task"], row["cron"], row["next"], row["queue"], "yes" if row["paused"] else ""
        )
    get_console().print(table if rows else "No periodic tasks.")


async def _set_paused(name: str, paused: bool, as_json: bool) -> None:
    from framework.tasks.scheduler import schedules_of

    backend = _backend()
    names = [task.name for task in schedules_of(backend.alias)]
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CommandError(f"No periodic task named {name!r}.{hint}")
    await _call(backend.aset_paused(name, paused))
    if as_json:
        _echo_json({"task": name, "paused": paused})
    else:
        click.echo(f"{'Paused' if paused else 'Resumed'} {name}.")


@tasks_command.command("pause")
@click.argument("name")
@json_option
async def pause(name: str, as_json: bool) -> None:
    """Stop enqueueing the periodic task NAME (on every worker) until resumed."""
    await _set_paused(name, True, as_json)


@tasks_command.command("resume")
@click.argument("name")
@json_option
async def resume(name: str, as_json: bool) -> None:
    """Enqueue the periodic task NAME at its ticks again."""
    await _set_paused(name, False, as_json)
