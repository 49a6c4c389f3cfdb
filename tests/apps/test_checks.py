"""Checks on installed apps."""

from __future__ import annotations

from framework.apps import AppConfig, apps
from framework.apps.checks import check_url_prefixes
from framework.checks import Error


def test_url_prefix_shapes(fixture_path) -> None:
    class Good(AppConfig):
        name = "gamma"
        url_prefix = "/ok"

    class NoSlash(AppConfig):
        name = "gamma"
        label = "noslash"
        url_prefix = "blog"

    class Trailing(AppConfig):
        name = "gamma"
        label = "trailing"
        url_prefix = "/blog/"

    apps.populate([Good, NoSlash, Trailing])
    hint = "Use a path that starts with '/' and has no trailing '/', e.g. '/blog'."
    assert check_url_prefixes() == [
        Error("App 'noslash' has url_prefix 'blog'.", hint=hint, id="apps.E001"),
        Error("App 'trailing' has url_prefix '/blog/'.", hint=hint, id="apps.E001"),
    ]
