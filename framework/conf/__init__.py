"""Settings: ``from framework.conf import settings``.

Layers, highest first: OS environment > ``.env`` > the module named by
``FRAMEWORK_SETTINGS_MODULE`` > framework defaults (:mod:`framework.conf.global_settings`).
"""

from __future__ import annotations

from framework.conf.lazy import ENVIRONMENT_VARIABLE, LazySettings
from framework.conf.settings import Setting, SettingNotFound, Settings

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "LazySettings",
    "Setting",
    "SettingNotFound",
    "Settings",
    "settings",
]

settings = LazySettings()
