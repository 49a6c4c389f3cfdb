"""Take the screenshots of docs/admin.md: the admin's index and a list page, on the demo.

A fresh demo is prepared in a temporary folder (``scripts/prepare_demo.py``: the database
migrated, the demo user, sample products), served by ``manage.py runserver`` on a free port
and driven by headless Chromium (Debian's, as the tests use). The pictures are written to
``docs/admin-index.png`` and ``docs/admin-list.png``; run it again after changing the
admin's look. Usage: ``python scripts/admin_screenshots.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.prepare_demo import DEMO_PASSWORD, DEMO_USER  # noqa: E402

VIEWPORT = {"width": 1200, "height": 660}
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Poll *url* until the server answers (or stop when it exits or time runs out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"The demo server did not answer at {url}.")


def shoot(url: str) -> None:
    """Log into the admin at *url* and save the two screenshots."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{url}/admin/")
        page.fill("#username", DEMO_USER)
        page.fill("#password", DEMO_PASSWORD)
        page.click("#admin-login button[type=submit]")
        page.wait_for_url(f"{url}/admin/")
        page.goto(f"{url}/admin/product/list")  # a change, for "My recent changes"
        page.click("tr:has-text('Walnut desk') a[href*='/edit/']")
        page.fill("#price", "440")
        page.click("input[value=Save]")
        page.wait_for_url(f"{url}/admin/product/list")
        page.goto(f"{url}/admin/")
        page.screenshot(path=str(ROOT / "docs" / "admin-index.png"))
        page.goto(f"{url}/admin/review/list?sortBy=rating&sort=desc")
        page.screenshot(path=str(ROOT / "docs" / "admin-list.png"))
        browser.close()


def main() -> None:
    """Prepare and serve a throwaway demo, take the screenshots, stop the server."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "FRAMEWORK_ENV_FILE": str(Path(folder) / ".env"),
            "DATABASE_URL": f"sqlite+aiosqlite:///{Path(folder) / 'demo.sqlite3'}",
        }
        address = f"127.0.0.1:{free_port()}"
        prepare = [sys.executable, str(ROOT / "scripts" / "prepare_demo.py"), address]
        subprocess.run(prepare, cwd=ROOT, env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", address, "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_serving(f"http://{address}/", server)
            shoot(f"http://{address}")
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=15)
    print("Wrote docs/admin-index.png and docs/admin-list.png")


if __name__ == "__main__":
    main()
