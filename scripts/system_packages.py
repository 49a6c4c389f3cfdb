"""Install the Debian packages the tests and benchmarks need, when they are missing.

    python scripts/system_packages.py chromium wrk

Each name is a Debian package; it is installed with apt-get (as root, or through sudo) only
if its command is not on PATH, and the package lists are refreshed once if the install fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

#: Command that proves each package is installed.
COMMANDS = {
    "chromium": "chromium",
    "wrk": "wrk",
    "apache2-utils": "ab",
    "hyperfine": "hyperfine",
    "util-linux": "taskset",
}


def ensure(packages: list[str]) -> None:
    """Install the *packages* whose command is missing; raise if apt-get fails."""
    missing = [name for name in packages if shutil.which(COMMANDS.get(name, name)) is None]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    print(f"installing {' '.join(missing)} (apt-get)", flush=True)
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


if __name__ == "__main__":
    ensure(sys.argv[1:])
