"""Each public package's ``__all__`` is sorted, complete and importable."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["framework.web", "framework.web.middleware", "framework.testing"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)
    for attribute in module.__all__:
        assert getattr(module, attribute) is not None


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_every_public_name(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and getattr(value, "__module__", "").startswith("framework")
    }
    assert public <= set(module.__all__)


def test_importing_the_cli_does_not_import_starlette() -> None:
    import subprocess
    import sys

    code = (
        "import sys, framework, framework.cli, framework.cli.builtins, framework.cli.app;"
        "print('starlette' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
