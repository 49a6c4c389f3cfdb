"""Checks on the settings themselves: misspelled names and values of the wrong type."""

from __future__ import annotations

import difflib
from pathlib import PurePath
from typing import Any

from framework.checks import CheckMessage, Error, Warning, register
from framework.conf import settings

__all__ = ["check_setting_names", "check_setting_types"]

# Types that stand in for each other: a tuple where a list is expected is fine.
_COMPATIBLE: dict[type, tuple[type, ...]] = {
    list: (list, tuple),
    tuple: (list, tuple),
    int: (int,),
    float: (int, float),
    str: (str,),
    bool: (bool,),
    dict: (dict,),
}


@register("settings")
def check_setting_names(app_configs: Any = None) -> list[CheckMessage]:
    """Warn about settings that look like a misspelled framework setting (``DEBG``)."""
    known = settings.wrapped.default_keys()
    project = settings.wrapped.module_keys() | set(getattr(settings.wrapped, "_dotenv", {}))
    messages: list[CheckMessage] = []
    for key in sorted(project - known):
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
        if close:
            where = settings.wrapped.module_name or "the settings"
            messages.append(
                Warning(
                    f"Unknown setting {key!r} in {where}.",
                    hint=f"Did you mean {close[0]!r}?",
                    id="conf.W001",
                )
            )
    return messages


@register("settings")
def check_setting_types(app_configs: Any = None) -> list[CheckMessage]:
    """Report framework settings whose value is not of the type the framework expects."""
    from framework.conf import global_settings

    messages: list[CheckMessage] = []
    for setting in settings.items():
        default = getattr(global_settings, setting.key, None)
        if default is None or setting.source == "default":
            continue
        expected = _COMPATIBLE.get(type(default))
        if expected is None or _fits(setting.value, default, expected):
            continue
        messages.append(
            Error(
                f"Setting {setting.key} must be a {type(default).__name__}, "
                f"got {type(setting.value).__name__} {setting.value!r} (from {setting.source}).",
                id="conf.E001",
            )
        )
    return messages


def _fits(value: Any, default: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int) and isinstance(value, bool):
        return False
    if isinstance(default, (str, PurePath)):
        return isinstance(value, (str, PurePath))
    return isinstance(value, expected)
