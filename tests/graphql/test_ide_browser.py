"""GraphiQL in headless Chromium: it loads, runs a query and a subscription, all offline.

The browser may only reach 127.0.0.1 (``tests.support.browser``): any other request is
aborted and recorded, and the test fails on it.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from framework.conf import settings
from framework.testing import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"])]

#: The text of every editor on the page (the result pane is one).
EDITORS = "[...document.querySelectorAll('.CodeMirror')].map(e => e.CodeMirror.getValue())"


def run_in_graphiql(page: Any, query: str, expected: str) -> str:
    """Put *query* in the editor, run it, and return the result once it shows *expected*."""
    page.evaluate(
        "query => document.querySelector('.graphiql-query-editor .CodeMirror')"
        ".CodeMirror.setValue(query)",
        query,
    )
    # GraphiQL reads the editor's operations after a debounce: until it has, the run may use
    # the previous operation, so run again until the expected result shows (bounded).
    for _ in range(10):
        page.click(".graphiql-execute-button")
        try:
            page.wait_for_function(
                f"text => {EDITORS}.some(value => value.includes(text))",
                arg=expected,
                timeout=5_000,
            )
        except PlaywrightTimeout:
            continue
        return "\n".join(page.evaluate(EDITORS))
    raise AssertionError(f"GraphiQL never showed {expected!r}: {page.evaluate(EDITORS)}")


def test_graphiql_runs_queries_and_subscriptions_offline(gql_db: str, page: Any) -> None:
    from framework.web import get_asgi_application

    with settings.override(GRAPHQL_IDE=True, GRAPHQL_INTROSPECTION=True):
        app = get_asgi_application()
        with live_server(app) as url:
            page.goto(url + "/graphql")
            page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=30_000)
            answer = run_in_graphiql(page, "{ reviewCount }", '"reviewCount": 7')
            ticks = run_in_graphiql(
                page, "subscription Ticks { countdown(start: 2) }", '"countdown": 1'
            )
    assert '"reviewCount": 7' in answer
    assert '"countdown": 1' in ticks
    assert page.blocked_requests == []
