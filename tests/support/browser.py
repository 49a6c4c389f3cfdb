"""A real browser for pages people look at: Debian's Chromium, headless, driven by Playwright.

``page`` is a fresh page whose requests may only reach 127.0.0.1: anything else is aborted
and recorded in ``page.blocked_requests``, so a test can prove a page works offline.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Flags for a root, headless, offline machine (no sandbox, no background network).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture
def browser() -> Iterator[Any]:
    """Launch headless Chromium for one test.

    Not once per session: Playwright's sync API keeps an event loop running in this thread
    while it is started, and every later test that runs asyncio (pytest-asyncio, asyncio.run)
    would fail with "cannot be called from a running event loop".
    """
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if shutil.which("chromium") else None
    assert executable, "Chromium is missing: make test installs it (scripts/system_packages.py)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Return a new page in a fresh context that can only reach local servers."""
    context = browser.new_context()
    page = context.new_page()
    page.blocked_requests = []

    def only_local(route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            page.blocked_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    yield page
    context.close()
