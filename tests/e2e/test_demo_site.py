"""The demo as `make run` serves it, in headless Chromium with no network beyond 127.0.0.1.

The module prepares a fresh demo with ``scripts/prepare_demo.py`` (a .env, the database
migrated, the demo user, sample products) and starts ``manage.py runserver`` on a free port,
as `make run` does. The browser then follows every link of the home page and drives the live
page's WebSocket echo and Server-Sent Events counter through the page's own script.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from scripts.prepare_demo import DEMO_PASSWORD, DEMO_USER
from tests.e2e.conftest import Server, free_port, run, start_server

ROOT = Path(__file__).resolve().parents[2]
TITLE = " · framework demo"
#: Scripts may only come from the server itself (no inline script, no CDN).
SCRIPT_POLICY = "script-src 'self';"
#: The pages the demo's own templates render, and the admin's.
DEMO_PAGES = {"/", "/login", "/account", "/live", "/admin/", "/admin/login", "/admin/review/list"}


@dataclass
class Demo:
    """The running demo: its server, where its files are, what preparing it printed."""

    server: Server
    env: dict[str, str]
    prepared: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    env = {
        "FRAMEWORK_ENV_FILE": str(folder / ".env"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
    }
    port = free_port()
    address = f"127.0.0.1:{port}"
    prepared = run(
        [sys.executable, str(ROOT / "scripts" / "prepare_demo.py"), address], ROOT, **env
    )
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", address, "--noreload"]
    with start_server(command, folder, port, **env) as server:
        server.get("/")
        yield Demo(server, env, prepared.stdout)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture
def browser_errors(page: Any) -> list[tuple[str, str]]:
    """Collect script and console errors (CSP violations among them), with the page's path."""
    errors: list[tuple[str, str]] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            errors.append((urlsplit(page.url).path, message.text))

    page.on("pageerror", lambda error: errors.append((urlsplit(page.url).path, str(error))))
    page.on("console", on_console)
    return errors


def test_preparing_the_demo_prints_urls_that_answer(demo: Demo) -> None:
    url = demo.server.url
    lines = demo.prepared.splitlines()
    assert "Added 5 sample product(s) to the catalog." in lines
    assert f"  Home page        {url}/" in lines
    assert f"  Log in           {url}/login  as 'demo' with the password {DEMO_PASSWORD!r}" in lines
    assert any(line.startswith(f"  API docs         {url}/docs ") for line in lines)
    assert any(line.startswith(f"  Real time        {url}/live ") for line in lines)
    assert any(line.startswith(f"  Admin            {url}/admin/ ") for line in lines)
    assert any(line.startswith(f"  GraphQL          {url}/graphql ") for line in lines)
    assert f'curl -H "Authorization: Bearer $TOKEN" {url}/api/me' in demo.prepared
    printed = re.findall(r"http://127\.0\.0\.1:\d+/[\w/.]*", demo.prepared)
    assert len(printed) == 7
    for address in printed:
        expected = 401 if address.endswith("/api/me") else 200
        # as a browser asks: HTML, following the admin's redirect to its login page
        page = httpx.get(
            address, headers={"Accept": "text/html"}, timeout=10, follow_redirects=True
        )
        assert page.status_code == expected, address


def test_the_printed_token_recipe_works(demo: Demo) -> None:
    created = run(
        [sys.executable, str(ROOT / "manage.py"), "users", "token", "create", DEMO_USER],
        ROOT,
        **demo.env,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    me = httpx.get(f"{demo.server.url}/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == DEMO_USER


def json_body(response: Any) -> Any:
    """Return the JSON a Playwright response carries, after checking it is JSON."""
    assert response.headers["content-type"].startswith("application/json"), response.url
    return response.json()


def check_home(page: Any, response: Any) -> None:
    assert page.title() == "Home" + TITLE
    assert page.text_content("h1") == "The demo project"
    assert "Walnut desk" in page.inner_text("table")  # the sample products, from the database


def check_products(page: Any, response: Any) -> None:
    names = {product["name"] for product in json_body(response)["items"]}
    assert {"Walnut desk", "Oak stool"} <= names


def check_swagger(page: Any, response: Any) -> None:
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    assert "/live/counter" in page.locator(".opblock-summary-path").all_inner_texts()


def check_redoc(page: Any, response: Any) -> None:
    page.get_by_text("Count to ten").first.wait_for(state="attached", timeout=20_000)
    assert "Review a product" in page.inner_text("body")


def check_document(page: Any, response: Any) -> None:
    assert json_body(response)["info"]["title"] == "Catalog"


def check_login(page: Any, response: Any) -> None:
    assert page.title() == "Log in"
    assert page.locator("input[name=csrf_token]").count() == 1


def check_account(page: Any, response: Any) -> None:
    # Not logged in: the page sends the browser to the login form, which comes back here.
    assert page.url.endswith("/login?next=%2Faccount")
    page.fill("#username", DEMO_USER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account")
    assert page.title() == "Your account" + TITLE
    assert page.text_content("h1") == "Hello, demo"


def check_admin(page: Any, response: Any) -> None:
    # Logged in on the site (the account page), the demo user is in the admin: one session.
    # Its pages work under the demo's Content-Security-Policy (scripts from files only).
    assert page.url.endswith("/admin/")
    assert page.text_content("#admin-user") == DEMO_USER
    page.click(".page-body >> text=Reviews")
    page.wait_for_url("**/admin/review/list")
    assert "Walnut desk" in page.inner_text("table")
    page.check("tr:has-text('Walnut desk') .select-box")
    page.click("#dropdownMenuButton")
    page.click("text=Clear the comments of the selected reviews")
    page.wait_for_selector("#admin-messages .toast.show")
    assert "done on 1 of 1 selected" in page.inner_text("#admin-messages")


def check_token_api(page: Any, response: Any) -> None:
    # A browser brings no token: the API says so, as a page since the browser asks for HTML.
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert page.title() == "401 Unauthorized"


def check_live(page: Any, response: Any) -> None:
    assert page.title() == "Live" + TITLE
    assert page.text_content("#echo h2") == "WebSocket echo"


#: Every link the home page has, and how to tell that its page works.
LINKS: dict[str, Callable[[Any, Any], None]] = {
    "/": check_home,
    "/products": check_products,
    "/docs": check_swagger,
    "/redoc": check_redoc,
    "/openapi.json": check_document,
    "/login": check_login,
    "/account": check_account,
    "/admin/": check_admin,
    "/api/me": check_token_api,
    "/live": check_live,
}


def test_every_link_of_the_home_page_leads_to_a_working_page(
    demo: Demo, page: Any, browser_errors: list[tuple[str, str]]
) -> None:
    url = demo.server.url
    home = page.goto(url + "/")
    assert home.status == 200
    assert SCRIPT_POLICY in home.headers["content-security-policy"]
    # The stylesheet and the logo come from the home app's static/ folder.
    assert page.eval_on_selector("header.site", "e => getComputedStyle(e).display") == "flex"
    assert page.eval_on_selector("header.site img", "e => e.naturalWidth") > 0
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert {link.removeprefix(url) for link in links} == set(LINKS)

    for path, check in LINKS.items():
        response = page.goto(url + path)
        assert response.status == (401 if path == "/api/me" else 200), path
        check(page, response)

    assert page.blocked_requests == []
    # The demo's own pages log no error. (Chromium logs the token API's 401 as a failed
    # resource, and the documentation pages' policy blocks the logo their bundle links to.)
    assert [error for error in browser_errors if error[0] in DEMO_PAGES] == []


def test_the_live_page_echoes_and_counts_in_the_browser(
    demo: Demo, page: Any, browser_errors: list[tuple[str, str]]
) -> None:
    response = page.goto(demo.server.url + "/live")
    assert SCRIPT_POLICY in response.headers["content-security-policy"]
    assert page.locator("script:not([src])").count() == 0

    # The WebSocket echo: what the page sends comes back, shown as text.
    page.wait_for_selector("#echo .status:text-is('Connected.')", timeout=10_000)
    for text in ("hello", "<b>not bold</b>"):
        page.fill("#echo-text", text)
        page.press("#echo-text", "Enter")
    echoed = page.locator("#echo .messages li")
    echoed.nth(1).wait_for(timeout=10_000)
    assert echoed.all_inner_texts() == ["hello", "<b>not bold</b>"]
    assert page.locator("#echo .messages b").count() == 0

    # The Server-Sent Events counter: the page shows each number as it arrives.
    counter = page.locator("#counter output")
    page.click("#counter button")
    # (Locators, not wait_for_function: the page's policy forbids evaluating strings.)
    page.wait_for_selector("#counter output:text-is('3')", timeout=10_000)
    assert page.is_disabled("#counter button")  # still counting
    page.wait_for_selector("#counter .status:text-is('Done.')", timeout=15_000)
    assert counter.inner_text() == "10"
    assert page.is_enabled("#counter button")

    assert page.blocked_requests == []
    assert browser_errors == []


def test_the_demo_graphql_api_lists_the_catalog(demo: Demo) -> None:
    query = "{ products(limit: 3) { name price reviews { rating } } product(id: 1) { id } }"
    answer = httpx.post(f"{demo.server.url}/graphql", json={"query": query}, timeout=10)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert len(data["products"]) == 3
    assert all(isinstance(product["reviews"], list) for product in data["products"])
    assert data["product"] == {"id": 1}
