"""BasicAuth, TokenAuth and MultiAuth with hooks of the test's own, and @authenticate."""

from __future__ import annotations

import base64

import pytest

from framework.auth import BasicAuth, MultiAuth, TokenAuth, authenticate
from framework.testing import TestClient
from framework.web import App, JSONResponse, endpoint_spec

USERS = {"john": "hunter2-long", "ann": "p@ss:word"}
ROLES = {"john": ["user"], "ann": ["user", "admin"]}
UNAUTHORIZED = {"detail": "Authentication required.", "errors": []}
CHALLENGE = 'Basic realm="Authentication Required", charset="UTF-8"'


def basic_header(raw: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


def make_basic() -> BasicAuth:
    backend = BasicAuth()
    calls: list[tuple[str, str]] = []
    backend.calls = calls  # type: ignore[attr-defined]

    @backend.verify_password
    async def verify(username: str, password: str):
        calls.append((username, password))
        return username if USERS.get(username) == password else None

    @backend.get_user_roles
    def roles(user: str):
        return ROLES.get(user)

    return backend


def app_with(backend, **options) -> App:
    app = App()

    @app.get("/private")
    @authenticate(backend, **options)
    async def private(request):
        return {"user": request.state.user}

    return app


def test_basic_auth_lets_a_user_in_and_keeps_colons_in_the_password() -> None:
    with TestClient(app_with(make_basic())) as client:
        assert client.get("/private", auth=("john", "hunter2-long")).json() == {"user": "john"}
        assert client.get("/private", auth=("ann", "p@ss:word")).json() == {"user": "ann"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Basic "},
        {"Authorization": "Basic"},
        basic_header("no-colon-here"),
        basic_header(":hunter2-long"),
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:x").decode()},
        {"Authorization": "Bearer abc"},
    ],
    ids=[
        "none",
        "bad-base64",
        "empty",
        "scheme-only",
        "no-colon",
        "empty-user",
        "not-utf8",
        "bearer",
    ],
)
def test_malformed_basic_credentials_get_401_with_a_challenge(headers) -> None:
    backend = make_basic()
    with TestClient(app_with(backend)) as client:
        response = client.get("/private", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["www-authenticate"] == CHALLENGE
    assert backend.calls == []  # never reached the password check


def test_wrong_password_and_unknown_user_are_indistinguishable() -> None:
    with TestClient(app_with(make_basic())) as client:
        wrong = client.get("/private", auth=("john", "nope"))
        unknown = client.get("/private", auth=("nobody", "nope"))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.content == unknown.content
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("role", "john", "ann"),
    [
        ("admin", 403, 200),
        (["admin", "user"], 200, 200),  # any of
        ([["admin", "user"]], 403, 200),  # all of
        (["admin", ["user", "auditor"]], 403, 200),
    ],
)
def test_role_requirements(role, john: int, ann: int) -> None:
    with TestClient(app_with(make_basic(), role=role)) as client:
        assert client.get("/private", auth=("john", USERS["john"])).status_code == john
        assert client.get("/private", auth=("ann", USERS["ann"])).status_code == ann


def test_forbidden_body() -> None:
    with TestClient(app_with(make_basic(), role="admin")) as client:
        response = client.get("/private", auth=("john", USERS["john"]))
    assert response.json() == {
        "detail": "You do not have the role this resource requires.",
        "errors": [],
    }
    assert "www-authenticate" not in response.headers


def test_error_handler_replaces_the_answer() -> None:
    backend = make_basic()

    @backend.error_handler
    async def custom(request, status_code):
        return JSONResponse({"error": "Custom Authentication Failed"}, status_code=status_code)

    with TestClient(app_with(backend, role="admin")) as client:
        missing = client.get("/private")
        forbidden = client.get("/private", auth=("john", USERS["john"]))
    assert (missing.status_code, missing.json()) == (401, {"error": "Custom Authentication Failed"})
    assert forbidden.status_code == 403


def test_optional_lets_anonymous_requests_in_but_not_bad_credentials() -> None:
    with TestClient(app_with(make_basic(), optional=True)) as client:
        assert client.get("/private").json() == {"user": None}
        assert client.get("/private", auth=("john", "nope")).status_code == 401


def test_token_auth_never_checks_an_empty_token() -> None:
    backend = TokenAuth()
    seen: list[str] = []

    @backend.verify_token
    def verify(token: str):
        seen.append(token)
        return "david" if token == "secret_key_123" else None

    with TestClient(app_with(backend)) as client:
        ok = client.get("/private", headers={"Authorization": "Bearer secret_key_123"})
        assert ok.json() == {"user": "david"}
        for header in ("Bearer", "Bearer    ", "bearer", "Token secret_key_123"):
            response = client.get("/private", headers={"Authorization": header})
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == 'Bearer realm="Authentication Required"'
    assert seen == ["secret_key_123"]


def test_token_in_a_header_of_its_own() -> None:
    backend = TokenAuth(header="X-API-Key")
    backend.verify_token(lambda token: "svc" if token == "k1" else None)
    with TestClient(app_with(backend)) as client:
        assert client.get("/private", headers={"X-API-Key": "k1"}).json() == {"user": "svc"}
        assert client.get("/private", headers={"X-API-Key": ""}).status_code == 401


def test_missing_verify_function_is_a_configuration_error() -> None:
    from framework.exceptions import ImproperlyConfigured

    with (
        TestClient(app_with(BasicAuth()), raise_server_exceptions=True) as client,
        pytest.raises(ImproperlyConfigured) as missing,
    ):
        client.get("/private", auth=("a", "b"))
    assert str(missing.value) == (
        "BasicAuth has no verify_password function: decorate one with "
        "@<your BasicAuth>.verify_password."
    )


def test_multi_auth_picks_the_backend_by_scheme_and_uses_its_roles() -> None:
    token = TokenAuth()
    token.verify_token(lambda value: "bot" if value == "t0k" else None)
    token.get_user_roles(lambda user: ["admin"])
    multi = MultiAuth(token, make_basic())
    with TestClient(app_with(multi, role="admin")) as client:
        assert client.get("/private", headers={"Authorization": "Bearer t0k"}).status_code == 200
        assert client.get("/private", auth=("ann", USERS["ann"])).status_code == 200
        assert client.get("/private", auth=("john", USERS["john"])).status_code == 403
        bad_basic = client.get("/private", auth=("john", "nope"))
        assert bad_basic.headers["www-authenticate"] == CHALLENGE
        anonymous = client.get("/private")
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="Authentication Required"'


def test_authenticate_runs_before_the_body_is_read() -> None:
    app = App()
    read: list[bool] = []

    @app.post("/upload")
    @authenticate(make_basic())
    async def upload(request):
        read.append(True)
        return await request.json()

    with TestClient(app) as client:
        response = client.post(
            "/upload", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 401 and read == []


def test_authenticate_needs_a_backend() -> None:
    with pytest.raises(TypeError) as wrong:
        authenticate("basic")  # type: ignore[arg-type]
    assert str(wrong.value) == (
        "authenticate() needs a backend such as BasicAuth() or TokenAuth(); got 'basic'."
    )


def test_security_metadata_for_openapi() -> None:
    basic, bearer = make_basic(), TokenAuth()

    async def handler(request): ...

    authenticate(basic, role="admin")(handler)
    assert endpoint_spec(handler).meta["security"] == [
        ("basicAuth", {"type": "http", "scheme": "basic"}, ["admin"])
    ]

    async def either(request): ...

    authenticate(MultiAuth(bearer, basic), role=["a", ["b", "c"]])(either)
    assert endpoint_spec(either).meta["security"] == [
        ("bearerAuth", {"type": "http", "scheme": "bearer"}, ["a"]),
        ("bearerAuth", {"type": "http", "scheme": "bearer"}, ["b", "c"]),
        ("basicAuth", {"type": "http", "scheme": "basic"}, ["a"]),
        ("basicAuth", {"type": "http", "scheme": "basic"}, ["b", "c"]),
    ]

    async def keyed(request): ...

    authenticate(TokenAuth(header="X-API-Key"))(keyed)
    assert endpoint_spec(keyed).meta["security"] == [
        ("apiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key"}, [])
    ]


def test_a_scheme_of_ones_own_is_published_as_an_api_key_in_authorization() -> None:
    """OpenAPI's http type allows IANA schemes only; 'Token' is not one."""
    assert TokenAuth(scheme="Token").security_schemes() == [
        (
            "tokenAuth",
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Send 'Authorization: Token <token>'.",
            },
        )
    ]
    assert TokenAuth(scheme="Digest").security_schemes() == [
        ("digestAuth", {"type": "http", "scheme": "digest"})
    ]
