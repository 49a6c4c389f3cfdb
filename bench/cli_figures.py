"""Tooling figures: CLI start-up, startproject, import times (hyperfine, median of runs)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tools import PROJECT_PYTHON, ROOT, WORK

BIN = PROJECT_PYTHON.parent


def hyperfine(
    commands: dict[str, str],
    runs: int,
    warmup: int,
    prepare: str | None = None,
    cwd: Path | None = None,
) -> dict[str, float]:
    """Return the median wall time in ms of each command (hyperfine, no intermediate shell)."""
    WORK.mkdir(parents=True, exist_ok=True)
    export = WORK / "hyperfine.json"
    args = [
        "hyperfine",
        "--style",
        "none",
        "--runs",
        str(runs),
        "--warmup",
        str(warmup),
        "--export-json",
        str(export),
    ]
    if prepare:
        args += ["--prepare", prepare]
    else:
        args += ["-N"]
    for name, command in commands.items():
        args += ["--command-name", name, command]
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)
    data = json.loads(export.read_text())
    return {row["command"]: row["median"] * 1000 for row in data["results"]}


def cli_figures(peers_python: Path, quick: bool) -> dict[str, dict[str, float]]:
    """Measure CLI and import figures; return {figure: {contender: ms}}."""
    runs, warmup = (3, 0) if quick else (20, 3)
    peers_bin = peers_python.parent
    figures: dict[str, dict[str, float]] = {}
    figures["help (ms)"] = hyperfine(
        {
            "framework manage.py --help": f"{PROJECT_PYTHON} {ROOT / 'manage.py'} --help",
            "django-admin help": f"{peers_bin / 'django-admin'} help",
        },
        runs,
        warmup,
        cwd=ROOT,
    )
    django_admin = peers_bin / "django-admin"
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "site"
        figures["startproject (ms)"] = hyperfine(
            {
                "framework startproject": f"{BIN / 'framework'} startproject bp {target}",
                "django-admin startproject": f"{django_admin} startproject bp {target}",
            },
            runs,
            warmup,
            prepare=f"rm -rf {target} && mkdir -p {target}",
        )
        shutil.rmtree(target, ignore_errors=True)
    figures["import (ms)"] = hyperfine(
        {
            "framework.web": f"{PROJECT_PYTHON} -c 'import framework.web'",
            "starlette": f"{PROJECT_PYTHON} -c 'import starlette.applications'",
            "fastapi": f"{peers_python} -c 'import fastapi'",
            "litestar": f"{peers_python} -c 'import litestar'",
            "django": f"{peers_python} -c 'import django.core.asgi'",
        },
        runs,
        warmup,
    )
    return figures
