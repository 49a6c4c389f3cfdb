"""Resolve dotted strings from settings into objects, telling a broken module from a typo."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["import_string", "import_submodule", "lazy_exports", "module_exists"]


def import_string(dotted_path: str, *, setting: str | None = None) -> Any:
    """Import *dotted_path* (``"pkg.module.Attr"`` or ``"pkg.module:Attr"``) and return the object.

    A module that exists but fails to import re-raises its own error (chained), so the real
    cause is never hidden behind "not found"; a missing module or attribute raises
    ``ImproperlyConfigured`` naming the *setting* the string came from.
    """
    where = f" (from {setting})" if setting else ""
    if ":" in dotted_path:
        module_path, _, attr_path = dotted_path.partition(":")
    else:
        module_path, _, attr_path = dotted_path.rpartition(".")
    if not module_path or not attr_path:
        raise ImproperlyConfigured(
            f"{dotted_path!r}{where} is not a dotted path such as 'package.module.Name'."
        )
    if not module_exists(module_path):
        raise ImproperlyConfigured(f"Module {module_path!r}{where} cannot be found.")
    module = importlib.import_module(module_path)
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImproperlyConfigured(
                f"Module {module_path!r}{where} has no attribute {attr_path!r}."
            ) from None
    return obj


def module_exists(module_path: str) -> bool:
    """Return whether *module_path* can be found, importing only its parent packages."""
    try:
        return importlib.util.find_spec(module_path) is not None
    except ModuleNotFoundError as exc:
        # Only a missing parent package means "absent"; a parent whose own code imports
        # something missing is a broken module, and that error must surface.
        if exc.name and (module_path == exc.name or module_path.startswith(exc.name + ".")):
            return False
        raise
    except ValueError:
        # ``__spec__`` is None for modules created by hand (e.g. ``__main__`` under some tools).
        return module_path in sys.modules


def import_submodule(package: ModuleType | str, name: str) -> ModuleType | None:
    """Import ``<package>.<name>`` when it exists and return it, else return None.

    Only absence returns None: an import error raised *inside* the submodule propagates.
    """
    package_name = package if isinstance(package, str) else package.__name__
    full_name = f"{package_name}.{name}"
    if not module_exists(full_name):
        return None
    return importlib.import_module(full_name)


def lazy_exports(
    package: str, homes: dict[str, str], names: list[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` importing each name on first use.

    *homes* maps a public name to the submodule defining it, relative to *package*
    (``".sessions"`` for a sibling of the package). A package the app registry
    imports (to read its ``apps.py``) uses this so that importing the framework never imports
    an optional engine (Strawberry, a docs renderer) before a name is asked for.
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        namespace[name] = value  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *names])

    return __getattr__, __dir__
