"""One racer of the cross-process atomicity test: run by tests/cache/test_races.py.

    python tests/cache/race_worker.py SETTINGS_JSON INCREMENTS SLOTS

Configures the settings, says "ready", waits for "go" on stdin, then increments ``counter``
INCREMENTS times and tries to ``aadd`` each of SLOTS keys; prints the slots it won as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys


async def race(increments: int, slots: int) -> list[int]:
    from framework.cache import cache

    won = []
    for number in range(max(increments, slots)):
        if number < increments:
            await cache.aincr("counter")
        if number < slots and await cache.aadd(f"slot:{number}", os.getpid(), timeout=300):
            won.append(number)
    return won


def main() -> None:
    import framework
    from framework.conf import settings
    from framework.runtime import run_cleanups

    values, increments, slots = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    settings.configure(**values)
    framework.setup()
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected 'go'")

    async def run() -> list[int]:
        try:
            return await race(increments, slots)
        finally:
            await run_cleanups()

    print(json.dumps({"won": asyncio.run(run()), "pid": os.getpid()}), flush=True)


if __name__ == "__main__":
    main()
