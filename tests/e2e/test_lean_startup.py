"""A generated project's server loads what its requests use, not every default app's engine.

``startproject`` installs contrib.auth and the OpenAPI app; a request to a plain endpoint,
with no session, must not have loaded the password-hashing libraries, Jinja2, the ``email``
package, the OpenAPI generator, the broadcast front end, the streamed form parser or the
middleware the default MIDDLEWARE does not list into the server. They load when a request
needs them: the test asks the server which modules it holds, before and after such requests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.e2e.conftest import free_port, run, start_server

#: Appended to the generated project's controllers.py: a plain endpoint, and one that
#: answers which of the watched modules the serving process has imported.
CONTROLLERS = """

import sys

from framework.web import Controller, get

WATCHED = {watched!r}


class LeanController(Controller):
    @get("/hello")
    async def hello(self, request):
        return "Hello, World!"

    @get("/loaded")
    async def loaded(self, request):
        return sorted(name for name in WATCHED if name in sys.modules)

    @get("/publish")
    async def publish(self, request):
        from framework.web import broadcast

        await broadcast.publish("lean", "hi")
        return type(broadcast).__name__
"""

#: Modules a plain request has no use for, each loaded by the feature named beside it.
HASHING = ["argon2", "passlib", "passlib.context"]  # the first password hash or verify
DOCUMENT = ["framework.openapi.generator"]  # the first request for /openapi.json
TEMPLATES = ["jinja2"]  # the first template rendered
MAIL = ["email.headerregistry", "framework.mail.message"]  # the first message built
BROADCAST = ["framework.web.broadcasting.facade"]  # the first use of framework.web.broadcast
UNUSED = [  # names of framework.web a project imports itself when it uses them
    "framework.web.middleware.compression",  # GZipMiddleware, not in the default MIDDLEWARE
    "framework.web.middleware.timing",  # TimingMiddleware, idem
    "framework.web.multipart",  # FormDataIter
    "starlette.middleware.gzip",
]
WATCHED = [*HASHING, *DOCUMENT, *TEMPLATES, *MAIL, *BROADCAST, *UNUSED]


def test_a_plain_request_loads_no_hashing_templates_mail_broadcast_or_document_generator(
    tmp_path: Path,
) -> None:
    made = run([sys.executable, "-m", "framework", "startproject", "leansite"], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "leansite"
    controllers = site / "leansite" / "controllers.py"
    controllers.write_text(controllers.read_text() + CONTROLLERS.format(watched=WATCHED))
    migrated = run([sys.executable, "manage.py", "db-upgrade"], cwd=site)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    args = [sys.executable, "manage.py", "serve", "--port", str(port)]
    with start_server(args, site, port, DEBUG="false") as server:
        hello = server.get("/hello")
        assert hello.status_code == 200, server.output()
        assert hello.text == "Hello, World!"
        assert "set-cookie" not in hello.headers  # no session was made
        assert server.get("/loaded").json() == [], server.output()

        # The same modules load when a request needs them: the laziness loses nothing.
        assert server.get("/openapi.json").json()["openapi"].startswith("3.1")
        assert server.get("/loaded").json() == sorted(DOCUMENT)
        login = {"username": "nobody", "password": "not-a-password"}
        refused = httpx_post(f"http://127.0.0.1:{port}/login", login)
        assert refused in {400, 401}, server.output()
        assert server.get("/loaded").json() == sorted([*HASHING, *DOCUMENT])
        assert server.get("/publish").text == "Broadcast", server.output()
        assert server.get("/loaded").json() == sorted([*HASHING, *DOCUMENT, *BROADCAST])


def httpx_post(url: str, body: dict[str, str]) -> int:
    """POST *body* as JSON and return the status (a failed login still verifies a hash)."""
    import httpx

    return httpx.post(url, json=body, timeout=60).status_code
