"""A private, throwaway PostgreSQL server for the test suite.

    python scripts/pgcluster.py run -- <command...>   # start, run the command, stop
    python scripts/pgcluster.py ensure                # install PostgreSQL if it is missing

``run`` puts the server's URL in ``FRAMEWORK_TEST_POSTGRES_URL`` and the path of its log in
``FRAMEWORK_TEST_POSTGRES_LOG`` for the command. The server listens on 127.0.0.1 on a free
port, keeps its data in a temporary folder, runs without fsync (test data is disposable) and
is stopped at the end. Its folder is deleted when the command succeeds; when the command
fails, the folder is kept and the tail of the server's log is printed with where to find
the rest, so a failure can be diagnosed. When PostgreSQL is missing and we are root on a
Debian-like system, it is installed with apt-get first. The tests import
:func:`start_cluster` to do the same when run without this wrapper.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENT_VARIABLE = "FRAMEWORK_TEST_POSTGRES_URL"
LOG_VARIABLE = "FRAMEWORK_TEST_POSTGRES_LOG"
#: Lines of the server's log printed when a run fails.
TAIL_LINES = 40
_SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c shared_buffers=32MB"
)


@dataclass
class Cluster:
    """A running server: its URL (database ``postgres``, user ``postgres``) and its folder."""

    url: str
    folder: Path
    bindir: Path
    port: int = 0

    def stop_server(self) -> None:
        """Stop the server (fast shutdown: connections are closed) and keep its files."""
        _pg_ctl(self.bindir, self.folder, "stop", "-m", "fast")

    def start_server(self) -> None:
        """Start the stopped server again, on the same port, with the same data."""
        _pg_ctl(self.bindir, self.folder, "start", "-o", _options(self.folder, self.port))

    def restart(self) -> None:
        """Stop the server at once (as in a crash) and start it again on the same port."""
        _run_as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-l",
                str(self.folder / "server.log"),
                "-m",
                "immediate",
                "-w",
                "-t",
                "60",
                "restart",
            ]
        )

    @property
    def log(self) -> Path:
        """Return the server's log file."""
        return self.folder / "server.log"

    def log_tail(self, lines: int = TAIL_LINES) -> str:
        """Return the last *lines* lines of the server's log."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, keep: bool = False) -> None:
        """Stop the server at once; delete its files unless *keep* (then say where they are)."""
        _run_as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
        )
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        print(
            f"--- last lines of the PostgreSQL test server's log ({self.log}) ---\n"
            f"{self.log_tail()}\n"
            f"--- its log and data are kept in {self.folder} (delete it when done) ---",
            file=sys.stderr,
            flush=True,
        )


def find_bindir() -> Path | None:
    """Return the folder of ``initdb``/``pg_ctl`` (newest installed version), if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.insert(0, Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _version(path: Path) -> float:
    try:
        return float(path.parent.name)
    except ValueError:
        return 0.0


def ensure_installed() -> Path:
    """Return the PostgreSQL binaries folder, installing Debian's package when missing."""
    bindir = find_bindir()
    if bindir is not None:
        return bindir
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(
            "PostgreSQL is not installed and cannot be installed automatically "
            "(needs root and apt-get): install the 'postgresql' package, then run again."
        )
    print("Installing PostgreSQL with apt-get (tests run against a real server)...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("apt-get installed 'postgresql' but initdb/pg_ctl are not found.")
    return bindir


def _owner_prefix() -> list[str]:
    """Return the command prefix that runs as the cluster owner (postgres refuses root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return ["su", "postgres", "-s", "/bin/sh", "-c"]


def _run_as_owner(command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    prefix = _owner_prefix()
    if prefix and prefix[0] == "su":
        command = [*prefix, " ".join(_quote(part) for part in command)]
    else:
        command = [*prefix, *command]
    return subprocess.run(command, check=check, capture_output=True, text=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _options(folder: Path, port: int) -> str:
    return f"-p {port} -h 127.0.0.1 -k {folder} {_SERVER_OPTIONS}"


def _pg_ctl(bindir: Path, folder: Path, action: str, *options: str) -> None:
    """Run ``pg_ctl ACTION`` on the cluster in *folder* and wait until it is done."""
    log = ["-l", str(folder / "server.log")] if action == "start" else []
    _run_as_owner(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(folder / "data"),
            *log,
            *options,
            "-w",
            "-t",
            "60",
            action,
        ]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_cluster() -> Cluster:
    """Create and start a new server in a temporary folder; return it once it accepts."""
    bindir = ensure_installed()
    folder = Path(tempfile.mkdtemp(prefix="framework-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    try:
        _run_as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        port = _free_port()
        _pg_ctl(bindir, folder, "start", "-o", _options(folder, port))
    except subprocess.CalledProcessError as exc:
        log = folder / "server.log"
        details = log.read_text() if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"PostgreSQL failed to start: {exc.stderr or exc}\n{details}") from exc
    return Cluster(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres", folder, bindir, port)


def main(argv: list[str]) -> int:
    """Run the command line: ``run -- CMD...`` or ``ensure``."""
    if argv[:1] == ["ensure"]:
        print(ensure_installed())
        return 0
    if argv[:1] != ["run"] or "--" not in argv or argv.index("--") == len(argv) - 1:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return subprocess.call(command)
    cluster = start_cluster()
    returncode = 1
    try:
        returncode = subprocess.call(
            command,
            env={**os.environ, ENVIRONMENT_VARIABLE: cluster.url, LOG_VARIABLE: str(cluster.log)},
        )
        return returncode
    finally:
        cluster.stop(keep=returncode != 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
