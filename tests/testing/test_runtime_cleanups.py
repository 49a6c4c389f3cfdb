"""Clean-ups belong to the loop that registered them (a server thread and a command coexist)."""

from __future__ import annotations

import asyncio
import threading

from framework.runtime import register_cleanup, run_cleanups


def test_each_loop_runs_only_its_own_cleanups() -> None:
    ran: list[str] = []
    registered = threading.Event()
    release = threading.Event()

    def make(name: str):
        async def cleanup() -> None:
            ran.append(name)

        return cleanup

    async def server() -> None:
        register_cleanup(make("server"))
        registered.set()
        await asyncio.get_running_loop().run_in_executor(None, release.wait)
        await run_cleanups()

    thread = threading.Thread(target=asyncio.run, args=(server(),))
    thread.start()
    assert registered.wait(5)

    async def command() -> None:
        register_cleanup(make("command"))
        await run_cleanups()

    asyncio.run(command())
    assert ran == ["command"]
    release.set()
    thread.join(5)
    assert ran == ["command", "server"]


def test_a_cleanup_registered_twice_runs_once_and_failures_do_not_stop_the_rest() -> None:
    ran: list[str] = []

    async def ok() -> None:
        ran.append("ok")

    async def broken() -> None:
        raise RuntimeError("boom")

    async def main() -> None:
        register_cleanup(ok)
        register_cleanup(ok)
        register_cleanup(broken)
        await run_cleanups()
        await run_cleanups()

    asyncio.run(main())
    assert ran == ["ok"]
