"""The DEBUG page: the project's frames first with their locals, and nothing secret on it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from framework.conf import settings
from framework.conf.masking import MASK, is_sensitive_name
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.debug import is_user_file

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SECRETS = {
    "authorization": "Bearer leaked-bearer",
    "cookie": "session=leaked-cookie",
    "set-cookie": "leaked-set-cookie",
    "x-api-key": "leaked-api-key",
    "x-upstream-token": "leaked-upstream",
    "x-signature": "leaked-signature",
}


#: Secrets live in settings and requests, never in the source the page shows around a frame.
SECRET_SETTINGS = {
    "STRIPE_API_KEY": "leaked-setting",
    "PAYMENT_PASSPHRASE": "leaked-passphrase",
    "DATABASES": {"default": "postgresql+asyncpg://app:leaked-db-password@db/site"},
}


def charge(amount: int, card_token: str, password: str, markup: str) -> None:
    # Locals for the page to show (or mask): unused otherwise.
    api_key = card_token.upper()  # noqa: F841
    options = {"secret": password, "retries": 3}  # noqa: F841
    big = "x" * 10_000  # noqa: F841
    raise RuntimeError(f"card declined for {amount}")


def broken_app() -> App:
    with settings.override(DEBUG=True, **SECRET_SETTINGS):
        app = App()

    @app.post("/checkout")
    async def checkout(request: Request) -> None:
        form = await request.form()
        charge(int(form["amount"]), form["card_token"], form["password"], form["markup"])

    return app


@pytest.fixture
def page() -> str:
    with TestClient(broken_app(), raise_server_exceptions=False) as client:
        response = client.post(
            "/checkout?access_token=leaked-query&page=2",
            data={
                "amount": "12",
                "card_token": "leaked-form-token",
                "password": "leaked-form",
                "markup": "<script>alert(1)</script>",
            },
            headers={**HTML, **SECRETS},
        )
    assert response.status_code == 500
    assert response.headers["vary"] == "Accept"
    return response.text


def test_no_secret_reaches_the_page(page: str) -> None:
    assert "leaked" not in page


@pytest.mark.parametrize(
    "name",
    ["authorization", "cookie", "set-cookie", "x-api-key", "x-upstream-token", "x-signature"],
)
def test_secret_headers_are_masked(page: str, name: str) -> None:
    assert f"<tr><th>{name}</th><td>{MASK}</td></tr>" in page


def test_secret_settings_form_fields_query_parameters_and_locals_are_masked(page: str) -> None:
    for name in ("STRIPE_API_KEY", "PAYMENT_PASSPHRASE", "SECRET_KEY", "SESSION_COOKIE_NAME"):
        assert f"<tr><th>{name}</th><td>{MASK}</td></tr>" in page
    for name in ("card_token", "password", "access_token", "api_key"):
        assert f"<tr><th>{name}</th><td>{MASK}</td></tr>" in page
    # Not secret by name: shown, with what is secret inside masked.
    assert "<tr><th>amount</th><td>12</td></tr>" in page  # a local and a form field
    assert "<tr><th>page</th><td>2</td></tr>" in page
    assert f"postgresql+asyncpg://app:{MASK}@db/site" in page
    assert f"{{&#x27;retries&#x27;: 3, &#x27;secret&#x27;: &#x27;{MASK}&#x27;}}" in page
    assert "<tr><th>request</th><td>&lt;Request POST /checkout&gt;</td></tr>" in page
    assert "<tr><th>big</th><td>&#x27;" + "x" * 90 in page


def test_the_projects_frames_come_first_with_their_locals(page: str) -> None:
    yours = page.split("<h2>Your code (most recent call first)</h2>", 1)[1]
    yours = yours.split("<details", 1)[0]
    frames = re.findall(r'class="where">[^<]*, in (\w+)</div>', yours)
    assert frames == ["charge", "checkout"]  # innermost first; no framework frame among them
    assert "Local variables" in yours


def test_framework_and_library_frames_are_folded(page: str) -> None:
    folded = re.findall(r'<details class="frame"><summary class="where">([^<]*)</summary>', page)
    assert any("/framework/web/endpoints.py" in where for where in folded)
    assert any(where.endswith(", in charge") for where in folded)  # the full traceback
    yours = page.split("<h2>Your code", 1)[1].split("<details", 1)[0]
    assert "/framework/" not in yours


def test_values_are_escaped_and_truncated(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "x" * 300 not in page  # 10 000 in the variable
    assert "x" * 90 + "..." + "x" * 90 in page


def test_the_page_reads_no_body_the_handler_did_not(page: str) -> None:
    with TestClient(broken_app(), raise_server_exceptions=False) as client:
        response = client.post("/nowhere-but-404", headers=HTML)
    assert "Form fields" not in response.text


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("X-API-Key", True),
        ("Set-Cookie", True),
        ("csrf_token", True),
        ("DB_PASSWORD", True),
        ("signature", True),
        ("private_key", True),
        ("AUTH_USER_MODEL", True),
        ("amount", False),
        ("user_agent", False),
        ("DEBUG", False),
    ],
)
def test_the_secret_name_pattern(name: str, secret: bool) -> None:
    assert is_sensitive_name(name) is secret


def test_user_files_are_the_projects_own(tmp_path: Any) -> None:
    assert is_user_file(__file__)
    assert not is_user_file(settings.__class__.__module__.replace(".", "/"))  # not a file
    import starlette

    assert not is_user_file(starlette.__file__)
    import framework.web.app

    assert not is_user_file(framework.web.app.__file__)
    assert not is_user_file("<frozen importlib._bootstrap>")
