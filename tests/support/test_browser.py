"""The browser fixture renders local pages and blocks every request off this machine."""

from __future__ import annotations

from framework.testing import live_server
from framework.web import App, HTMLResponse


def test_renders_a_local_page_and_blocks_remote_requests(page) -> None:
    app = App()

    @app.get("/")
    async def index(request) -> HTMLResponse:
        return HTMLResponse(
            "<title>local</title><p id='x'>rendered</p>"
            "<script>document.getElementById('x').textContent += ' by js'</script>"
            "<img src='https://cdn.example.com/pixel.png'>"
        )

    with live_server(app) as url:
        page.goto(url + "/")
        assert page.title() == "local"
        assert page.text_content("#x") == "rendered by js"
        assert page.blocked_requests == ["https://cdn.example.com/pixel.png"]
