"""``@task`` and ``@periodic``: options checked where they are written, direct calls."""

from __future__ import annotations

import datetime as dt

import pytest

from framework.tasks import InvalidTaskError, Task, periodic, task


def test_a_task_is_still_a_function() -> None:
    @task(queue="emails", priority=5, retries=2, backoff=0.5)
    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    assert isinstance(add, Task)
    assert add(1, 2) == 3
    assert (add.queue, add.priority, add.retries) == ("emails", 5, 2)
    assert add.name == f"{__name__}.test_a_task_is_still_a_function.<locals>.add"
    assert add.__doc__ == "Add."
    assert [add.retry_delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_the_back_off_stops_growing_at_an_hour() -> None:
    @task(retries=30, backoff=10)
    async def patient() -> None: ...

    assert patient.retry_delay(25) == 3600


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"retries": -1}, "retries must be 0 or more; got -1."),
        ({"retries": True}, "retries must be an int; got True."),
        ({"queue": ""}, "queue must be a non-empty name without commas"),
        ({"queue": "a,b"}, "queue must be a non-empty name without commas"),
        ({"priority": 1.5}, "priority must be an int; got 1.5."),
        ({"timeout": 0}, "timeout must be a positive number of seconds; got 0."),
        ({"backoff": -1}, "backoff must be a number of seconds >= 0; got -1."),
    ],
)
def test_bad_options_are_refused_where_written(options: dict, message: str) -> None:
    with pytest.raises(InvalidTaskError, match=message.replace("(", r"\(").replace(")", r"\)")):

        @task(**options)
        async def job() -> None: ...


def test_a_timeout_on_a_plain_function_is_refused() -> None:
    with pytest.raises(InvalidTaskError, match=r"timeout applies to 'async def' tasks only"):

        @task(timeout=5)
        def blocking() -> None: ...


def test_periodic_must_be_above_task() -> None:
    with pytest.raises(InvalidTaskError) as caught:

        @task
        @periodic("* * * * *")
        async def misplaced() -> None: ...

    assert str(caught.value).endswith("which is not a task: put @periodic above @task.")


def test_a_periodic_task_needs_no_arguments() -> None:
    with pytest.raises(InvalidTaskError, match=r"must be callable without arguments"):

        @periodic("* * * * *")
        @task
        async def needs(user_id: int) -> None: ...


def test_a_bad_cron_is_refused_at_declaration() -> None:
    with pytest.raises(InvalidTaskError, match=r"the hour field '25' is out of range"):
        periodic("0 25 * * *")


def test_two_functions_under_one_name_are_refused() -> None:
    @task(name="shared.name")
    async def first() -> None: ...

    first.func.__module__ = "elsewhere"  # as if declared in another module
    with pytest.raises(InvalidTaskError, match=r"Two tasks are named 'shared.name'"):

        @task(name="shared.name")
        async def second() -> None: ...


def test_run_after_must_be_aware_or_a_delay() -> None:
    @task
    async def later() -> None: ...

    with pytest.raises(InvalidTaskError, match=r"has no time zone"):
        later.using(run_after=dt.datetime(2030, 1, 1))
    call = later.using(run_after=dt.timedelta(minutes=5), priority=3, queue="slow")
    assert call.options.queue == "slow" and call.options.priority == 3
    assert call.options.run_after is not None
    assert later.options().run_after is None  # the task itself is unchanged


def test_enqueue_from_a_running_loop_points_to_aenqueue() -> None:
    import asyncio

    @task
    async def job() -> None: ...

    async def main() -> None:
        with pytest.raises(RuntimeError, match=r"await the async form instead \(aenqueue\(\)"):
            job.enqueue()

    asyncio.run(main())
