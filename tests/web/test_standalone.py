"""A standalone ``App()`` reads ``.env`` and the environment; ``env_file``, prefix, config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framework.conf import ENVIRONMENT_VARIABLE, settings
from framework.conf.standalone import find_env_file
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request
from tests.support.standalone import fresh_settings

__all__ = ["fresh_settings"]


pytestmark = pytest.mark.usefixtures("fresh_settings")


class DevelopmentConfig:
    DEBUG = True
    GREETING = "from the class"
    lowercase = "ignored"


def test_a_standalone_app_reads_the_dotenv_of_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEBUG=true\nGREETING=hello\n")
    app = App()

    @app.get("/")
    async def index(request: Request) -> dict[str, Any]:
        return {"greeting": request.app.config.GREETING, "debug": request.app.debug}

    with TestClient(app) as client:
        assert client.get("/").json() == {"greeting": "hello", "debug": True}
    assert app.config.get("PORT", 8000, cast=int) == 8000
    assert settings.wrapped.lookup("GREETING").source == ".env"  # type: ignore[union-attr]


def test_env_file_prefix_and_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("GREETING=the discovered file\n")
    production = tmp_path / ".env.production"
    production.write_bytes("SHOP_GREETING=grüße\nGREETING=unprefixed\n".encode("latin-1"))
    monkeypatch.setenv("SHOP_DEBUG", "true")
    monkeypatch.setenv("DEBUG", "false")  # not prefixed: not this app's
    app = App(env_file=production, env_prefix="SHOP_", encoding="latin-1")
    assert app.config.GREETING == "grüße"
    assert app.config.DEBUG is True


def test_precedence_environment_then_dotenv_then_config_then_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("GREETING=from .env\nPORT=9000\n")
    monkeypatch.setenv("PORT", "7000")
    app = App(config=DevelopmentConfig)
    assert app.config.PORT == "7000"  # environment > .env
    assert app.config.GREETING == "from .env"  # .env > config
    assert app.config.DEBUG is True  # config > defaults
    assert "lowercase" not in app.config
    assert app.config.MAX_BODY_SIZE == 10 * 1024 * 1024  # the defaults


def test_the_dotenv_beside_the_script_wins_over_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "service" / "main.py"
    script.parent.mkdir()
    script.write_text("")
    (script.parent / ".env").write_text("A=1\n")
    (tmp_path / ".env").write_text("A=2\n")
    monkeypatch.setattr("__main__.__file__", str(script), raising=False)
    assert find_env_file({}, None) == script.parent / ".env"
    assert find_env_file({"FRAMEWORK_ENV_FILE": "/x/.env"}, None) == Path("/x/.env")


def test_mistakes_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        App(env_file=tmp_path / "missing.env")
    (tmp_path / "bad.env").write_bytes(b"A=\xff\xfe\n")
    with pytest.raises(ImproperlyConfigured, match=r"cannot be read as 'utf-8'.*App\(encoding"):
        App(env_file=tmp_path / "bad.env")
    with pytest.raises(TypeError, match="unexpected argument"):
        App(env_files=".env")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "mysite.settings")
    with pytest.raises(ImproperlyConfigured, match="is for standalone apps"):
        App(env_file=tmp_path / "bad.env")
