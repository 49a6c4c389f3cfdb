"""Run several make targets to the end, whatever fails, then say how each went.

    python scripts/run_targets.py lint typecheck pytest

``make test`` uses it so that a failing test still shows the lint and type-check
results; the exit status is non-zero when any target failed, and a summary then names
each target's outcome. When all pass nothing is added: the last line stays the test
runner's own. Extra make arguments go before the
targets (``-C DIR``, ``VAR=value``).
"""

from __future__ import annotations

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    """Run each target in *argv* with make; print a summary; return 1 if any failed."""
    options = [arg for arg in argv if arg.startswith("-") or "=" in arg]
    if "-C" in argv:
        options.insert(options.index("-C") + 1, argv[argv.index("-C") + 1])
    targets = [arg for arg in argv if arg not in options]
    make = os.environ.get("MAKE", "make")
    results = []
    for target in targets:
        status = subprocess.call([make, "--no-print-directory", *options, target])
        results.append((target, status))
    if not any(status for _, status in results):
        return 0
    print("\nSummary:", flush=True)
    for target, status in results:
        print(f"  {target}: {'ok' if status == 0 else f'FAILED (exit {status})'}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
