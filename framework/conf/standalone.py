"""Settings of a standalone ``App()`` (no settings module): defaults, ``.env`` and environment.

A small service is one file::

    from framework import App
    app = App()                          # reads .env, then the environment

Where the ``.env`` file comes from, first found wins: the ``env_file`` given to ``App()``,
the ``FRAMEWORK_ENV_FILE`` variable, ``.env`` beside the running script (``__main__``, or
the module ``framework runserver --app`` serves), ``.env`` in the current directory.
Resolution for a key, highest first: the OS environment > the ``.env`` file > values given
in code (``App(config=...)``, ``settings.configure(...)``) > the framework's defaults. With
``env_prefix="MYAPP_"`` only ``MYAPP_DEBUG`` (in the environment or the file) sets ``DEBUG``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from framework.conf.settings import Settings
from framework.exceptions import ImproperlyConfigured

__all__ = ["find_env_file", "standalone_settings", "upper_values"]


def find_env_file(
    environ: Mapping[str, str], env_file: str | os.PathLike[str] | None
) -> Path | None:
    """Return the ``.env`` file a standalone app reads, or None (see the module's order)."""
    if env_file is not None:
        path = Path(env_file)
        if not path.is_file():
            raise ImproperlyConfigured(f"The env_file {str(path)!r} does not exist.")
        return path
    if environ.get("FRAMEWORK_ENV_FILE"):
        return Path(environ["FRAMEWORK_ENV_FILE"])
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    candidates = [Path(script).resolve().parent / ".env"] if script else []
    candidates.append(Path.cwd() / ".env")
    return next((path for path in candidates if path.is_file()), None)


def _read(path: Path | None, encoding: str) -> dict[str, str]:
    if path is None or not path.is_file():
        return {}
    from dotenv import dotenv_values  # deferred: only apps with a .env pay for it

    with path.open(encoding=encoding) as stream:
        values = dotenv_values(stream=stream, interpolate=False)
    return {key: value for key, value in values.items() if value is not None}


def _unprefixed(values: Mapping[str, str], prefix: str) -> dict[str, str]:
    if not prefix:
        return dict(values)
    return {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}


def upper_values(source: Any) -> dict[str, Any]:
    """Return the UPPER_CASE names of a class, module or mapping (``App(config=...)``)."""
    if isinstance(source, Mapping):
        items = list(source.items())
    elif isinstance(source, type | ModuleType):
        items = [(name, getattr(source, name)) for name in dir(source)]
    else:
        raise ImproperlyConfigured(
            f"config= takes a class, a module or a mapping of settings; got {source!r}."
        )
    return {k: v for k, v in items if isinstance(k, str) and k.isupper() and not k.startswith("_")}


def standalone_settings(
    environ: Mapping[str, str],
    *,
    env_file: str | os.PathLike[str] | None = None,
    env_prefix: str = "",
    encoding: str = "utf-8",
    values: Mapping[str, Any] | None = None,
) -> Settings:
    """Return the settings of an app without a settings module (see the module docstring)."""
    path = find_env_file(environ, env_file)
    try:
        dotenv = _read(path, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImproperlyConfigured(
            f"The .env file {str(path)!r} cannot be read as {encoding!r}: {exc}; pass "
            "App(encoding=...) with the file's encoding."
        ) from None
    options = dict(values or {})
    options.setdefault("BASE_DIR", Path.cwd())
    return Settings(
        options,
        dotenv=_unprefixed(dotenv, env_prefix),
        dotenv_path=path,
        environ=_unprefixed(environ, env_prefix),
    )
