"""``TASKS``: backends by alias, mistakes named in one line, the extra's ``pip install``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.tasks import BaseTaskBackend, TaskError, TaskResult, TaskStatus, task_backends
from framework.tasks.backends.immediate import ImmediateBackend
from framework.tasks.backends.inprocess import InProcessBackend


def test_the_default_is_the_inprocess_backend() -> None:
    settings.configure()
    backend = task_backends["default"]
    assert isinstance(backend, InProcessBackend) and not backend.durable


def test_a_dotted_path_names_a_custom_backend() -> None:
    settings.configure(
        TASKS={"default": {"BACKEND": "framework.tasks.backends.immediate.ImmediateBackend"}}
    )
    assert isinstance(task_backends["default"], ImmediateBackend)


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ({"other": {"BACKEND": "inprocess"}}, "TASKS must be a dict of alias -> {'BACKEND'"),
        (
            {"default": {"BACKEND": "inproces"}},
            "TASKS['default']['BACKEND'] is 'inproces', which is neither a built-in backend "
            "(immediate, inprocess, procrastinate) nor a dotted path. Did you mean 'inprocess'?",
        ),
        (
            {"default": {"BACKEND": "inprocess", "OPTION": {}}},
            "TASKS['default'] has unknown key 'OPTION'; use 'BACKEND' and 'OPTIONS'.",
        ),
        (
            {"default": {"BACKEND": "inprocess", "OPTIONS": {"databse": "x"}}},
            "TASKS['default']"
            "['OPTIONS'] has unknown key 'databse' for the 'inprocess' backend (known: "
            "concurrency, max_results).",
        ),
        (
            {"default": {"BACKEND": "framework.conf.settings"}},
            "TASKS['default']['BACKEND'] "
            "'framework.conf.settings' is not a BaseTaskBackend subclass.",
        ),
        (
            {"default": {"BACKEND": "procrastinate", "OPTIONS": {"heartbeat": 0}}},
            "TASKS['default']['OPTIONS']['heartbeat'] must be a positive number of seconds; got 0.",
        ),
    ],
)
def test_mistakes_are_one_line_naming_the_key(tasks: dict, message: str) -> None:
    settings.configure(TASKS=tasks)
    with pytest.raises(ImproperlyConfigured) as caught:
        task_backends.all()
    assert str(caught.value).startswith(message)


def test_an_unknown_alias_suggests_a_known_one() -> None:
    settings.configure(
        TASKS={"default": {"BACKEND": "inprocess"}, "emails": {"BACKEND": "immediate"}}
    )
    with pytest.raises(ImproperlyConfigured, match=r"Did you mean 'emails'\?"):
        task_backends["email"]


def test_procrastinate_without_the_extra_names_the_pip_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "procrastinate" else real(name, *a),
    )
    settings.configure(TASKS={"default": {"BACKEND": "procrastinate"}})
    with pytest.raises(MissingDependencyError) as caught:
        task_backends.all()
    assert str(caught.value) == (
        "'procrastinate' is required for TASKS['default'] (BACKEND 'procrastinate') but is not "
        'installed: pip install "framework[tasks]"'
    )


def test_importing_the_tasks_api_imports_no_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        import framework.tasks, framework.db
        from framework.tasks import task
        loaded = [m for m in ("procrastinate", "psycopg", "psycopg_pool") if m in sys.modules]
        print(",".join(loaded))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_sync_enqueue_runs_outside_an_event_loop() -> None:
    from framework.tasks import TaskStatus, task

    @task
    def double(x: int) -> int:
        return 2 * x

    settings.configure(TASKS={"default": {"BACKEND": "immediate"}})
    result = double.enqueue(21)
    assert (result.status, result.return_value) == (TaskStatus.SUCCEEDED, 42)
    result.refresh()
    assert result.return_value == 42


class DictBackend(BaseTaskBackend):
    """A custom backend whose results do not name it, as a hand-written one may not."""

    name = "dict"

    def __init__(self, alias: str, options: dict[str, Any]) -> None:
        super().__init__(alias, options)
        self.statuses: dict[str, TaskStatus] = {}

    async def aenqueue(self, task: Any, args: Any, kwargs: Any, options: Any) -> TaskResult:
        result_id = str(len(self.statuses))
        self.statuses[result_id] = TaskStatus.QUEUED
        return await self.aget_result(result_id)

    async def aget_result(self, result_id: str) -> TaskResult:
        status = self.statuses[result_id]
        return TaskResult(id=result_id, task_name="t", status=status, backend=self.alias)


async def test_a_result_read_through_its_task_refreshes_from_a_custom_backend() -> None:
    from framework.tasks import task

    @task
    async def noop() -> None:
        return None

    settings.configure(TASKS={"default": {"BACKEND": "tests.tasks.test_config.DictBackend"}})
    backend = task_backends["default"]
    assert isinstance(backend, BaseTaskBackend) and backend.name == "dict"
    enqueued = await noop.aenqueue()
    fetched = await noop.aget_result(enqueued.id)
    backend.statuses[enqueued.id] = TaskStatus.SUCCEEDED
    await enqueued.arefresh()
    await fetched.arefresh()
    assert enqueued.status is fetched.status is TaskStatus.SUCCEEDED


async def test_a_result_made_by_hand_cannot_refresh_and_says_how_to_read_one() -> None:
    settings.configure(TASKS={"default": {"BACKEND": "inprocess"}})
    result = TaskResult(id="7", task_name="blog.tasks.send", status=TaskStatus.QUEUED)
    with pytest.raises(TaskError, match=r"read it with await task\.aget_result\('7'\)"):
        await result.arefresh()
