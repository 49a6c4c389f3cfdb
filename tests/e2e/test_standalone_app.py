"""``framework runserver --app module:app``: a single-file App served outside any project."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import free_port, run, start_server

APP = """
from framework import App

app = App()


@app.get("/")
async def index(request):
    return {
        "greeting": app.config.get("GREETING", "none"),
        "debug": app.debug,
        "version": VERSION,
    }


VERSION = 1
"""


def write_app(folder: Path) -> Path:
    (folder / "main.py").write_text(APP)
    (folder / ".env").write_text("GREETING=hello from .env\n")
    return folder / "main.py"


def test_runserver_serves_a_single_file_app_and_reloads(
    tmp_path: Path, framework_bin: Path
) -> None:
    main = write_app(tmp_path)
    port = free_port()
    args = [str(framework_bin), "runserver", "--app", "main:app", str(port)]
    with start_server(args, tmp_path, port) as server:
        assert server.get("/").json() == {
            "greeting": "hello from .env",
            "debug": False,
            "version": 1,
        }
        server.wait_for_output("Application startup complete.")
        main.write_text(APP.replace("VERSION = 1", "VERSION = 2"))
        server.wait_for_output("Application startup complete.", timeout=30, count=2)
        assert server.get("/").json()["version"] == 2


def test_debug_and_the_environment_win_over_dotenv(tmp_path: Path, framework_bin: Path) -> None:
    write_app(tmp_path)
    port = free_port()
    args = [str(framework_bin), "runserver", "--app", "main:app", "--debug", "--noreload"]
    with start_server([*args, str(port)], tmp_path, port, GREETING="from the environment") as s:
        assert s.get("/").json() == {
            "greeting": "from the environment",
            "debug": True,
            "version": 1,
        }


def test_a_missing_module_is_one_line(tmp_path: Path, framework_bin: Path) -> None:
    result = run([str(framework_bin), "runserver", "--app", "nowhere:app"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: Cannot find the module 'nowhere' of --app nowhere:app; run the command from its "
        "folder or make it importable (PYTHONPATH).\n"
    )
    bad = run([str(framework_bin), "runserver", "--app", "main"], cwd=tmp_path)
    assert bad.stderr == "Error: --app takes MODULE:APP (e.g. main:app); got 'main'.\n"
