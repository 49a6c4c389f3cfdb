"""LoginManager with users of the test's own: hooks, remember-me, fresh logins, failures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest

from framework.auth import AuthFailureReason, LoginManager, get_csrf_token, login_required
from framework.testing import TestClient
from framework.web import App, HTMLResponse, JSONResponse, endpoint_spec


@dataclass
class Account:
    id: int
    name: str
    password: str
    roles: list[str] = field(default_factory=list)
    is_active: bool = True
    version: int = 0

    def get_session_auth_hash(self) -> str:
        return hashlib.sha256(f"{self.password}:{self.version}".encode()).hexdigest()

    async def revoke_sessions(self) -> None:
        self.version += 1


def build() -> tuple[App, LoginManager, dict[int, Account], list[str]]:
    accounts = {1: Account(1, "ann", "pw", ["editor"]), 2: Account(2, "bob", "pw")}
    events: list[str] = []
    manager = LoginManager(login_url="/signin")

    @manager.user_loader
    async def load(user_id: str):
        return accounts.get(int(user_id))

    @manager.get_user_roles
    def roles(user: Account):
        return user.roles

    @manager.on_login
    async def logged_in(request, user):
        events.append(f"login {user.name}")

    @manager.on_logout
    def logged_out(request, user):
        events.append(f"logout {user.name}")

    app = App()

    @app.post("/login/{user_id:int}")
    async def login(request, user_id: int):
        response = JSONResponse({"ok": True})
        remember = request.query.get("remember") == "1"
        await manager.login(request, accounts[user_id], response, remember=remember)
        return response

    @app.get("/token")
    async def token(request):
        return {"csrf": get_csrf_token(request)}

    @app.post("/logout")
    async def logout(request):
        response = JSONResponse({"bye": True})
        await manager.logout(request, response)
        return response

    @app.get("/me")
    async def me(request):
        user = await manager.current_user(request)
        return {"user": user.name if user else None}

    @app.get("/editors")
    @manager.login_required(role="editor")
    async def editors(request):
        return {"user": request.state.user.name}

    @app.get("/fresh")
    @manager.login_required(fresh=True)
    async def fresh(request):
        return {"ok": True}

    return app, manager, accounts, events


def csrf(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/token").json()["csrf"]}


def test_login_sets_the_user_and_runs_the_hooks() -> None:
    app, _, _, events = build()
    with TestClient(app) as client:
        assert client.get("/me").json() == {"user": None}
        client.post("/login/1")
        assert client.get("/me").json() == {"user": "ann"}
        assert client.get("/editors").json() == {"user": "ann"}
        assert client.post("/logout", headers=csrf(client)).status_code == 200
        assert client.get("/me").json() == {"user": None}
    assert events == ["login ann", "logout ann"]


def test_role_and_fresh_failures_and_the_default_answers() -> None:
    app, _, _, _ = build()
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/editors", headers={"accept": "text/html"})
        assert (page.status_code, page.headers["location"]) == (303, "/signin?next=%2Feditors")
        api = client.get("/editors")
        assert api.json() == {"detail": "Authentication required.", "errors": []}
        client.post("/login/2")
        assert client.get("/editors").status_code == 403


def test_logout_revokes_replayed_cookies() -> None:
    app, _, accounts, _ = build()
    with TestClient(app) as client:
        client.post("/login/1")
        stolen = client.cookies["session"]
        assert client.post("/logout", headers=csrf(client)).status_code == 200
        assert accounts[1].version == 1
        client.cookies.set("session", stolen)
        assert client.get("/me").json() == {"user": None}


def test_remember_me_is_not_fresh_and_deactivation_ends_it() -> None:
    app, _, accounts, _ = build()
    with TestClient(app) as client:
        client.post("/login/1?remember=1")
        assert client.get("/fresh").status_code == 200
        remember = client.cookies["remember_token"]
        client.cookies.clear()
        client.cookies.set("remember_token", remember)
        assert client.get("/me").json() == {"user": "ann"}
        assert client.get("/fresh").json() == {
            "detail": "Please log in again to continue.",
            "errors": [],
        }
        client.cookies.clear()
        client.cookies.set("remember_token", remember)
        accounts[1].is_active = False
        assert client.get("/me").json() == {"user": None}


def test_tampered_remember_cookie_is_ignored() -> None:
    app, _, _, _ = build()
    with TestClient(app) as client:
        client.post("/login/1?remember=1")
        remember = client.cookies["remember_token"]
        client.cookies.clear()
        client.cookies.set("remember_token", remember[:-3] + "xyz")
        assert client.get("/me").json() == {"user": None}


def test_on_failure_hook_answers_first() -> None:
    app, manager, _, _ = build()
    reasons: list[AuthFailureReason] = []

    @manager.on_failure
    async def failure(request, reason):
        reasons.append(reason)
        if reason is AuthFailureReason.UNAUTHENTICATED:
            return HTMLResponse("<h1>Please sign in</h1>", status_code=401)
        return None

    with TestClient(app) as client:
        response = client.get("/editors")
        assert (response.status_code, response.text) == (401, "<h1>Please sign in</h1>")
        client.post("/login/2")
        assert client.get("/editors").status_code == 403
    assert reasons == [AuthFailureReason.UNAUTHENTICATED, AuthFailureReason.UNAUTHORIZED]


async def test_remember_needs_the_response() -> None:
    manager = LoginManager()
    with pytest.raises(TypeError) as missing:
        await manager.login(object(), Account(1, "ann", "pw"), remember=True)
    assert str(missing.value) == (
        "login(remember=True) sets a cookie, so it needs the response: "
        "await manager.login(request, user, response, remember=True)."
    )


def test_security_metadata_for_openapi(settings) -> None:
    manager = LoginManager()

    async def page(request): ...

    manager.login_required(page)
    assert endpoint_spec(page).meta["security"] == [
        ("sessionCookie", {"type": "apiKey", "in": "cookie", "name": "session"}, [])
    ]
    settings.SESSION_COOKIE_NAME = "sid"

    async def admin(request): ...

    login_required(role=["admin", ["editor", "ops"]])(admin)
    assert endpoint_spec(admin).meta["security"] == [
        ("sessionCookie", {"type": "apiKey", "in": "cookie", "name": "sid"}, ["admin"]),
        ("sessionCookie", {"type": "apiKey", "in": "cookie", "name": "sid"}, ["editor", "ops"]),
    ]
