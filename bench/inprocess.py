"""The in-process table: each contender's ASGI app timed by bench/asgi_cost.py, one process each.

Rounds are interleaved across contenders like the wire rounds, and a cell is the best (lowest)
CPU time per request of the rounds: in-process there is no queue or network to vary, so
the minimum is the cost with the least interference from other work on the machine.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tools import BENCH, PROJECT_PYTHON

PEERS = {"fastapi", "litestar", "django"}


def measure_inprocess(
    names: list[str], peers_python: Path, rounds: int, quick: bool
) -> dict[str, dict[str, float]]:
    """Return {contender: {endpoint: µs per request}} for every contender in *names*."""
    best: dict[str, dict[str, float]] = {name: {} for name in names}
    scale, runs = (0.1, 1) if quick else (1.0, 5)
    for number in range(1, rounds + 1):
        for name in names:
            python = peers_python if name in PEERS else PROJECT_PYTHON
            command = [str(python), str(BENCH / "asgi_cost.py"), name, "--json"]
            command += ["--scale", str(scale), "--runs", str(runs)]
            result = subprocess.run(command, cwd=BENCH, capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"in-process {name} failed:\n{result.stderr[-3000:]}")
            for key, value in json.loads(result.stdout.splitlines()[-1]).items():
                best[name][key] = min(value, best[name].get(key, float("inf")))
            cells = " ".join(f"{k} {v:.1f}" for k, v in best[name].items())
            print(f"in-process round {number} {name:10} µs/request: {cells}", flush=True)
    return best
