"""``AppConfig``: what the framework knows about one installed app, and its hooks.

An app is an importable package listed in ``INSTALLED_APPS``. Its optional ``apps.py`` holds
an ``AppConfig`` subclass to set the label, URL prefix, dependencies and hooks. Everything
else is discovered by convention: ``models``, ``controllers``, ``commands`` (modules or
packages) and the ``migrations/``, ``templates/`` and ``static/`` folders.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Protocol

from framework.exceptions import ImproperlyConfigured
from framework.module_loading import import_submodule, module_exists

__all__ = ["AppConfig", "ModelIndex"]


class ModelIndex(Protocol):
    """Where an app finds its models: the registry that loaded it."""

    def get_models(self, app_label: str | None = None) -> list[type]:
        """Return the model classes of *app_label* (every app's when None)."""
        ...


class AppConfig:
    """Configuration and lifecycle hooks of one installed app.

    Subclass it in ``<app>/apps.py``; every attribute is optional::

        class BlogConfig(AppConfig):
            label = "blog"
            url_prefix = "/blog"
            depends_on = ["auth"]

            async def on_startup(self): ...
    """

    #: Full module path of the app package; set by the registry when not given.
    name: str = ""
    #: Short unique name (used in migrations and the CLI); default: last part of ``name``.
    label: str = ""
    #: Human-readable name; default: the label, title-cased.
    verbose_name: str = ""
    #: Prefix for the app's controller paths (``"/blog"``); None uses paths as written.
    url_prefix: str | None = None
    #: Labels (or module names) of apps that must come before this one.
    depends_on: Sequence[str] = ()
    #: Database alias for the app's models and migrations.
    database: str = "default"
    #: When ``apps.py`` holds several configs, the one marked default is used.
    default: ClassVar[bool] = False

    def __init__(self, app_name: str, app_module: ModuleType) -> None:
        self.name = app_name
        self.module = app_module
        #: The registry that loaded this app (set when it is populated).
        self.apps: ModelIndex | None = None
        if not self.label:
            self.label = app_name.rpartition(".")[2]
        if not self.label.isidentifier():
            raise ImproperlyConfigured(
                f"The app label {self.label!r} of {app_name!r} is not a valid Python identifier; "
                "set AppConfig.label to one."
            )
        if not self.verbose_name:
            self.verbose_name = self.label.replace("_", " ").title()
        self.path = self._find_path(app_module)
        self.models_module: ModuleType | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.label}>"

    @staticmethod
    def _find_path(module: ModuleType) -> Path:
        paths = list(dict.fromkeys(getattr(module, "__path__", []) or []))
        file = getattr(module, "__file__", None)
        if not paths and file:
            return Path(file).resolve().parent
        if len(paths) != 1:
            raise ImproperlyConfigured(
                f"The app {module.__name__!r} has no single filesystem location "
                f"({paths!r}); give it an __init__.py."
            )
        return Path(paths[0]).resolve()

    # -- creation -------------------------------------------------------------------------

    @classmethod
    def create(cls, entry: str | type[AppConfig]) -> AppConfig:
        """Build the config for an ``INSTALLED_APPS`` *entry*.

        An entry is a module path, the dotted path of an ``AppConfig`` subclass, or such a
        subclass itself (which must set ``name``).
        """
        if inspect.isclass(entry) and issubclass(entry, AppConfig):
            if not entry.name:
                raise ImproperlyConfigured(f"{entry.__name__} in INSTALLED_APPS must set 'name'.")
            return entry(entry.name, _import_app_part(entry.name, entry.name))
        if not isinstance(entry, str):
            raise ImproperlyConfigured(
                f"INSTALLED_APPS entries are module paths (strings); got {entry!r}."
            )
        config_class: type[AppConfig] | None = None
        if module_exists(entry):
            module = _import_app_part(entry, entry)
            config_class = _config_class_in(entry)
            app_name = entry
        else:
            config_class = _config_class_at(entry)
            app_name = config_class.name or _package_of_apps_module(config_class.__module__)
            if not app_name:
                raise ImproperlyConfigured(
                    f"{entry!r} in INSTALLED_APPS must set 'name' to the app's module path."
                )
            module = _import_app_part(entry, app_name)
        return (config_class or cls)(app_name, module)

    # -- discovery ------------------------------------------------------------------------

    def import_module(self, name: str) -> ModuleType | None:
        """Import the app's submodule *name* (``"controllers"``…) if present, else None.

        An error raised while importing an existing module is reported with the app and the
        module named, never treated as absence.
        """
        full_name = f"{self.name}.{name}"
        try:
            return import_submodule(self.name, name)
        except ImproperlyConfigured:
            raise
        except Exception as exc:
            raise ImproperlyConfigured(
                f"App {self.label!r} failed to import {full_name!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def import_models(self) -> None:
        """Import ``<app>.models`` so its model classes register themselves."""
        self.models_module = self.import_module("models")

    def _folder(self, name: str) -> Path | None:
        folder = self.path / name
        return folder if folder.is_dir() else None

    @property
    def migrations_dir(self) -> Path | None:
        """Return the app's ``migrations/`` folder, if it has one."""
        return self._folder("migrations")

    @property
    def templates_dir(self) -> Path | None:
        """Return the app's ``templates/`` folder, if it has one."""
        return self._folder("templates")

    @property
    def static_dir(self) -> Path | None:
        """Return the app's ``static/`` folder, if it has one."""
        return self._folder("static")

    def get_models(self) -> list[type]:
        """Return the model classes defined by this app, in definition order."""
        if self.apps is None:
            return []
        return self.apps.get_models(self.label)

    # -- hooks ----------------------------------------------------------------------------

    def ready(self) -> None:
        """Run once every app's models are imported: register checks, signals, and so on.

        Must not touch the database or the network (that belongs to ``on_startup``).
        """

    def on_startup(self) -> Any:
        """Run when the server starts (lifespan), in registry order; may be ``async``."""

    def on_shutdown(self) -> Any:
        """Run when the server stops, in reverse registry order; may be ``async``."""


def _package_of_apps_module(module_name: str) -> str:
    """Return ``"blog"`` for a config defined in ``blog.apps``, else an empty string."""
    package, _, last = module_name.rpartition(".")
    return package if last == "apps" else ""


def _import_app_part(entry: str, module_name: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(
            f"App {entry!r} in INSTALLED_APPS failed to import {module_name!r}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _config_class_in(app_name: str) -> type[AppConfig] | None:
    """Return the ``AppConfig`` subclass defined in ``<app>.apps``, if there is one."""
    try:
        module = import_submodule(app_name, "apps")
    except Exception as exc:
        raise ImproperlyConfigured(
            f"App {app_name!r} failed to import '{app_name}.apps': {type(exc).__name__}: {exc}"
        ) from exc
    if module is None:
        return None
    candidates = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, AppConfig)
        and value is not AppConfig
        and value.__module__ == module.__name__
    ]
    if len(candidates) > 1:
        defaults = [candidate for candidate in candidates if candidate.default]
        if len(defaults) != 1:
            names = ", ".join(sorted(c.__name__ for c in candidates))
            raise ImproperlyConfigured(
                f"'{app_name}.apps' defines several AppConfig classes ({names}); "
                "mark one with 'default = True' or list its path in INSTALLED_APPS."
            )
        candidates = defaults
    return candidates[0] if candidates else None


def _config_class_at(entry: str) -> type[AppConfig]:
    module_path, _, class_name = entry.rpartition(".")
    if not module_path or not module_exists(module_path):
        top = entry.partition(".")[0]
        raise ImproperlyConfigured(
            f"App {entry!r} in INSTALLED_APPS cannot be imported: no module named {top!r}."
            if not module_exists(top)
            else f"App {entry!r} in INSTALLED_APPS cannot be imported: no module named {entry!r}."
        )
    module = _import_app_part(entry, module_path)
    candidate = getattr(module, class_name, None)
    if not (inspect.isclass(candidate) and issubclass(candidate, AppConfig)):
        raise ImproperlyConfigured(
            f"App {entry!r} in INSTALLED_APPS is neither a module nor an AppConfig subclass."
        )
    return candidate
