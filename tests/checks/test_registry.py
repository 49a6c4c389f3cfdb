"""Registering and running checks: tags, deployment-only checks, message formatting."""

from __future__ import annotations

from framework.checks import ERROR, CheckRegistry, Critical, Error, Info, Warning


def test_register_bare_and_with_tags() -> None:
    registry = CheckRegistry()
    registry._builtins_loaded = True

    @registry.register
    def plain(app_configs=None):
        return [Info("plain", id="t.I001")]

    @registry.register("db", "models")
    def tagged(app_configs=None):
        return [Warning("tagged", id="t.W001")]

    @registry.register("security", deploy=True)
    def deploy(app_configs=None):
        return [Error("deploy", id="t.E001")]

    assert [m.id for m in registry.run_checks()] == ["t.I001", "t.W001"]
    assert [m.id for m in registry.run_checks(tags=["db"])] == ["t.W001"]
    assert [m.id for m in registry.run_checks(include_deployment=True)] == [
        "t.I001",
        "t.W001",
        "t.E001",
    ]
    assert registry.tags_available() == {"db", "models"}
    assert registry.tags_available(include_deployment=True) == {"db", "models", "security"}


def test_registering_twice_runs_once() -> None:
    registry = CheckRegistry()
    registry._builtins_loaded = True

    def check(app_configs=None):
        return [Info("once")]

    registry.register(check)
    registry.register(check)
    assert len(registry.run_checks()) == 1


def test_message_text_and_levels() -> None:
    message = Error("Bad thing.", hint="Fix it.", id="x.E001", obj="blog")
    assert str(message) == "blog: (x.E001) Bad thing.\n\tHINT: Fix it."
    assert message.is_serious() and message.level == ERROR
    assert not Warning("w").is_serious()
    assert Critical("c").is_serious()
    assert Error("a", id="x") != Warning("a", id="x")
    assert repr(Info("i", id="x.I1")) == "<Info: level=20, id='x.I1', msg='i'>"
