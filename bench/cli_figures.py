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


REVISION = """from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down}
branch_labels = {labels}
depends_on = None


def upgrade():
    op.create_table("blog_t{n}", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(50)))


def downgrade():
    op.drop_table("blog_t{n}")
"""


def fifty_revisions(folder: Path) -> Path:
    """Generate a project whose blog app has a chain of 50 migrations; return its folder."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin"}
    subprocess.run(
        [str(BIN / "framework"), "startproject", "migsite"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
    )
    project = folder / "migsite"
    subprocess.run(
        [str(PROJECT_PYTHON), "manage.py", "startapp", "blog"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    migrations = project / "blog" / "migrations"
    for n in range(1, 51):
        text = REVISION.format(
            rev=f"rev{n:04d}",
            n=n,
            down=f'"rev{n - 1:04d}"' if n > 1 else None,
            labels='("blog",)' if n == 1 else None,
        )
        (migrations / f"rev{n:04d}_t{n}.py").write_text(text)
    return project


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
    with tempfile.TemporaryDirectory() as tmp:
        project = fifty_revisions(Path(tmp))
        figures["db-upgrade of 50 revisions (ms)"] = hyperfine(
            {"framework db-upgrade (fresh SQLite)": f"{PROJECT_PYTHON} manage.py db-upgrade"},
            max(3, runs // 4),
            0,
            prepare=f"rm -f {project / 'db.sqlite3'}",
            cwd=project,
        )
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
