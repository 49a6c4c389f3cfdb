"""Ctrl-C in ``async`` commands: it stops synchronous code at once and unwinds awaiting code.

Each case runs in a child process (SIGINT handlers belong to the main thread of a process
that owns its terminal), sends it a real SIGINT and reads what it printed. The child says
``ready`` at the moment it is where the interrupt must find it: ``ready()`` just before
blocking synchronous code, ``ready_when_awaiting()`` from the event loop once the command is
suspended in an ``await``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

SCRIPT = """
import asyncio, sys, time
from framework.cli.runtime import run_async
from framework.runtime import register_cleanup

def ready():
    print("ready", flush=True)

def ready_when_awaiting():
    asyncio.get_running_loop().call_soon(ready)

async def cleanup():
    await asyncio.sleep(0)
    print("clean-up ran", flush=True)

async def command():
    register_cleanup(cleanup)
    try:
        {body}
    finally:
        await asyncio.sleep(0)
        print("finally ran", flush=True)

try:
    run_async(command)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
"""


def interrupt(body: str) -> list[str]:
    script = SCRIPT.format(body=body)
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert "Traceback" not in err, err
    return out.splitlines()


def test_ctrl_c_stops_blocking_synchronous_code_at_once() -> None:
    # stdin stays open: only the interrupt can end the read (a prompt waiting for the user).
    assert interrupt("ready(); sys.stdin.readline()") == [
        "finally ran",
        "clean-up ran",
        "KeyboardInterrupt",
    ]


def test_ctrl_c_while_awaiting_cancels_the_command_and_still_cleans_up() -> None:
    assert interrupt("ready_when_awaiting(); await asyncio.sleep(30)") == [
        "finally ran",
        "clean-up ran",
        "KeyboardInterrupt",
    ]


def test_a_command_that_handles_cancellation_itself_finishes_normally() -> None:
    body = "\n        ".join(
        [
            "try:",
            "    ready_when_awaiting()",
            "    await asyncio.sleep(30)",
            "except asyncio.CancelledError:",
            "    print('handled', flush=True)",
        ]
    )
    assert interrupt(body) == ["handled", "finally ran", "clean-up ran"]
