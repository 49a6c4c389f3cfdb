"""``App(env_file=..., env_prefix=..., encoding=..., config=...)``: a standalone app's settings.

Without these arguments a standalone ``App()`` already reads ``.env`` (beside the script or
in the current directory) and the environment; with them it chooses the file, the prefix
of its variables, the file's encoding, and values given in code (a class, module or
mapping whose UPPER_CASE names are settings, below ``.env`` and the environment). A project
(``FRAMEWORK_SETTINGS_MODULE``) keeps its settings module and refuses them.
"""

from __future__ import annotations

import os
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["STANDALONE_OPTIONS", "configure_standalone"]

STANDALONE_OPTIONS = ("config", "encoding", "env_file", "env_prefix")


def configure_standalone(settings: Any, **options: Any) -> None:
    """Replace the process's settings by a standalone app's, built from *options*."""
    from framework.conf import ENVIRONMENT_VARIABLE
    from framework.conf.standalone import standalone_settings, upper_values

    unknown = sorted(set(options) - set(STANDALONE_OPTIONS))
    if unknown:
        raise TypeError(
            f"App() got unexpected argument(s) {', '.join(unknown)}; standalone apps take "
            f"{', '.join(STANDALONE_OPTIONS)}."
        )
    module = os.environ.get(ENVIRONMENT_VARIABLE)
    if module:
        raise ImproperlyConfigured(
            f"App({', '.join(f'{k}=...' for k in options)}) is for standalone apps; this "
            f"process uses the settings module {module!r} (its .env is read from BASE_DIR, or "
            "FRAMEWORK_ENV_FILE)."
        )
    config = options.get("config")
    settings.use(
        standalone_settings(
            os.environ,
            env_file=options.get("env_file"),
            env_prefix=str(options.get("env_prefix") or ""),
            encoding=str(options.get("encoding") or "utf-8"),
            values=upper_values(config) if config is not None else None,
        )
    )
