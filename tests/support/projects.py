"""Load a fixture project for one test: settings selected, registry rebuilt, models kept.

The shared conftest forgets fixture modules after each test, but a model class must not be
defined twice in the one metadata, so each project keeps its modules in a cache and puts
them back before loading; the registry forgets models on reset, so the ones SQLAlchemy
already knows are handed back to it.
"""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

__all__ = ["load_project"]


def load_project(
    monkeypatch: pytest.MonkeyPatch,
    settings_module: str,
    cache: dict[str, ModuleType],
    keep: tuple[str, ...],
) -> None:
    """Select *settings_module*, set the project up, and cache modules named ``keep*``."""
    import framework
    from framework.apps import apps
    from framework.conf import ENVIRONMENT_VARIABLE, settings
    from framework.migrations.locations import app_models

    sys.modules.update(cache)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, settings_module)
    settings.reset()
    apps.reset()
    framework.setup()
    for label in apps.app_configs:
        for model in app_models(label):
            apps.register_model(label, model)
    for name, module in sys.modules.items():
        if name.startswith(keep):
            cache[name] = module
