"""The login form and the page behind it, in headless Chromium against a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contrib.auth.conftest import auth_db, authproject, backend
from tests.contrib.auth.helpers import PASSWORD, make_user

__all__ = ["auth_db", "authproject", "backend"]

pytestmark = pytest.mark.e2e


@pytest.fixture
def base_url(auth_db: str, settings) -> Iterator[str]:
    from framework.testing import live_server
    from framework.web import get_asgi_application

    # Plain http on 127.0.0.1: the cookies cannot be Secure here.
    settings.SESSION_COOKIE_SECURE = False
    make_user("alice")
    with live_server(get_asgi_application()) as url:
        yield url


def test_login_form_leads_to_the_protected_page_and_logout_leaves_it(base_url, page) -> None:
    page.goto(f"{base_url}/home")
    assert page.url == f"{base_url}/login?next=%2Fhome"
    assert page.title() == "Log in"

    page.fill("#username", "alice")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    assert page.text_content("[role=alert]") == "Please enter a correct username and password."

    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/home")
    assert page.text_content("h1") == "Welcome, alice"
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["session"]["httpOnly"] and cookies["session"]["sameSite"] == "Lax"

    page.click("text=Log out")
    page.wait_for_url(f"{base_url}/login")
    page.goto(f"{base_url}/home")
    assert page.url == f"{base_url}/login?next=%2Fhome"
    assert page.blocked_requests == []


def test_remember_me_survives_the_end_of_the_browser_session(base_url, page) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    context = page.context
    remember = [cookie for cookie in context.cookies() if cookie["name"] == "remember_token"]
    context.clear_cookies()
    context.add_cookies(remember)  # as if the browser had been closed and opened again
    page.goto(f"{base_url}/home")
    assert page.text_content("h1") == "Welcome, alice"
