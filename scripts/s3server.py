"""A private, throwaway S3-compatible server (moto in server mode) for the test suite.

    python scripts/s3server.py run -- <command...>   # start, run the command, stop

``run`` puts the server's URL in ``FRAMEWORK_TEST_S3_URL`` for the command. The server is
moto's (installed from PyPI with the ``dev`` extra), listens on 127.0.0.1 on a free port,
keeps everything in memory and is stopped at the end. The tests import :func:`start_server`
to do the same when run without this wrapper.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

ENVIRONMENT_VARIABLE = "FRAMEWORK_TEST_S3_URL"
_START_TIMEOUT = 60.0


@dataclass
class Server:
    """A running moto server: its URL and process."""

    port: int
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Return the endpoint URL, ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and return once it answers."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    "The S3 test server (moto) exited at start: is the 'dev' extra installed "
                    "(pip install -e '.[dev]')?"
                )
            if _answers(self.url):
                return
            time.sleep(0.05)  # polling a server that is starting: nothing to wait on but the port
        self.close()
        raise SystemExit(f"The S3 test server did not answer within {_START_TIMEOUT:.0f} s.")

    def close(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/reset-auth", timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, even if not with 200
    except OSError:
        return False


def create_bucket(url: str, bucket: str) -> None:
    """Create *bucket* on the server at *url* (moto accepts unsigned requests)."""
    request = urllib.request.Request(f"{url}/{bucket}", method="PUT")
    with urllib.request.urlopen(request, timeout=10):
        pass


def start_server() -> Server:
    """Start a new server on a free port; return it once it answers."""
    server = Server(_free_port())
    server.start()
    return server


def main(argv: list[str]) -> int:
    """Run the command line: ``run -- CMD...``."""
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
