"""Each public package re-exports a sorted, importable ``__all__``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import framework


def isort_key(name: str) -> tuple[int, str]:
    """Sort like ruff's RUF022: CONSTANTS, then Classes, then everything else."""
    if name.isupper():
        return (0, name)
    return (1 if name[0].isupper() else 2, name)


def public_packages() -> list[str]:
    names = ["framework"]
    for info in pkgutil.walk_packages(framework.__path__, "framework."):
        if info.ispkg and not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", public_packages())
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported, key=isort_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    for attribute in exported:
        assert hasattr(module, attribute), f"{name}.__all__ names missing {attribute!r}"


@pytest.mark.parametrize("name", public_packages())
def test_all_lists_every_public_name_defined_or_imported(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and not isinstance(value, type(importlib))  # submodules are reached by path
        and key not in {"annotations", "TYPE_CHECKING"}
        # helpers imported from elsewhere (typing, collections.abc) are not part of the API
        and str(getattr(value, "__module__", "framework")).startswith("framework")
    }
    assert public <= set(module.__all__), f"{name}: {sorted(public - set(module.__all__))}"


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert framework.__version__ == version("framework")
