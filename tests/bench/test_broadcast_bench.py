"""The broadcast fan-out bench runs end to end in short; nothing about speed is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def test_broadcast_bench_runs_every_contender() -> None:
    result = subprocess.run(
        [sys.executable, "bench/broadcast.py", "--quick", "--subscribers", "5", "--messages", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ["Starlette (raw, one process)", "memory", "redis", "postgres"]:
        assert name in result.stdout
