"""A private, throwaway Redis server for the test suite.

    python scripts/redisserver.py run -- <command...>   # start, run the command, stop
    python scripts/redisserver.py ensure                # install Redis if it is missing

``run`` puts the server's URL in ``FRAMEWORK_TEST_REDIS_URL`` for the command. The server
listens on 127.0.0.1 on a free port, keeps nothing on disk (no RDB snapshots, no AOF) and is
stopped at the end. When ``redis-server`` is missing and we are root on a Debian-like system,
Debian's package is installed with apt-get first. The tests import :func:`start_server` to do
the same when run without this wrapper, and :meth:`Server.restart` to restart it on the same
port under a running application (fault tests).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENT_VARIABLE = "FRAMEWORK_TEST_REDIS_URL"
_START_TIMEOUT = 30.0


@dataclass
class Server:
    """A running ``redis-server``: its URL (database 0), port, folder and process."""

    port: int
    folder: Path
    binary: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Return the server's URL, ``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server on its port and return once it answers PING."""
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
                "--daemonize",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        _wait_until_ready(self)

    def stop(self) -> None:
        """Stop the server at once (SIGKILL: nothing to save) and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port (its data is gone, as after a crash)."""
        self.stop()
        self.start()

    def log(self) -> str:
        """Return what the server wrote to its log."""
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def find_binary() -> str | None:
    """Return the path of ``redis-server``, if installed."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def ensure_installed() -> str:
    """Return the path of ``redis-server``, installing Debian's package when missing."""
    binary = find_binary()
    if binary is not None:
        return binary
    if shutil.which("apt-get") is None:
        raise SystemExit(
            "Redis is not installed and cannot be installed automatically (needs apt-get): "
            "install the 'redis-server' package, then run again."
        )
    print("Installing Redis with apt-get (tests run against a real server)...", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "redis-server"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    binary = find_binary()
    if binary is None:
        raise SystemExit("apt-get installed 'redis-server' but the command is not found.")
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise SystemExit(f"redis-server exited at start:\n{server.log()}")
        if _answers_ping(server.port):
            return
        time.sleep(0.05)  # polling a server that is starting: nothing to wait on but the port
    server.stop()
    raise SystemExit(f"redis-server did not answer within {_START_TIMEOUT:.0f} s:\n{server.log()}")


def start_server() -> Server:
    """Start a new server on a free port in a temporary folder; return it once it answers."""
    server = Server(_free_port(), Path(tempfile.mkdtemp(prefix="framework-redis-")), "")
    server.binary = ensure_installed()
    try:
        server.start()
    except BaseException:
        shutil.rmtree(server.folder, ignore_errors=True)
        raise
    return server


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
    server = start_server()
    try:
        return subprocess.call(command, env={**os.environ, ENVIRONMENT_VARIABLE: server.url})
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
