"""Machine tools the benchmark needs (wrk, ab, hyperfine), and the peers' virtualenv."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
PEERS_VENV = BENCH / ".venv-peers"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
PROJECT_PYTHON = Path(sys.executable)


def ensure_commands() -> None:
    """Install wrk, ab and hyperfine (Debian packages) when they are missing."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from system_packages import ensure

    ensure(["wrk", "apache2-utils", "hyperfine", "util-linux"])


def ensure_peers() -> Path:
    """Create bench/.venv-peers with the peer frameworks once; return its python."""
    requirements = BENCH / "requirements-peers.txt"
    marker = PEERS_VENV / ".installed"
    if marker.exists() and marker.read_text() == requirements.read_text():
        return PEERS_PYTHON
    print("installing the peer frameworks into bench/.venv-peers", flush=True)
    venv.create(PEERS_VENV, with_pip=True, clear=True)
    subprocess.run(
        [str(PEERS_PYTHON), "-m", "pip", "install", "--quiet", "-r", str(requirements)],
        check=True,
    )
    marker.write_text(requirements.read_text())
    return PEERS_PYTHON


def package_version(python: Path, package: str) -> str:
    """Return the version of *package* installed for *python*."""
    code = f"from importlib.metadata import version; print(version({package!r}))"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or "?"
