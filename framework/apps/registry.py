"""The app registry: load ``INSTALLED_APPS`` in phases, in a stable dependency order.

Phases: (1) import each app and build its ``AppConfig`` (labels checked, order resolved);
(2) import every app's models; (3) call every ``ready()``. The registry is locked,
idempotent and refuses re-entrant population, like Django's.
"""

from __future__ import annotations

import difflib
import graphlib
import inspect
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from framework.apps.config import AppConfig
from framework.exceptions import AppRegistryNotReady, ImproperlyConfigured

__all__ = ["Apps"]

logger = logging.getLogger("framework.apps")


class Apps:
    """Registry of the installed apps of one project."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._clear()

    def _clear(self) -> None:
        self.app_configs: dict[str, AppConfig] = {}
        self.all_models: defaultdict[str, dict[str, type]] = defaultdict(dict)
        self.configs_ready = False
        self.models_ready = False
        self.ready = False
        self._loading = False
        self._started: list[AppConfig] = []

    # -- population -----------------------------------------------------------------------

    def populate(self, installed_apps: Iterable[str | type[AppConfig]] | None = None) -> None:
        """Load the apps (default: ``settings.INSTALLED_APPS``) through all three phases."""
        if self.ready:
            return
        with self._lock:
            if self.ready:
                return
            if self._loading:
                raise RuntimeError("apps.populate() isn't re-entrant (called from ready()?).")
            self._loading = True
            try:
                if not self.configs_ready:
                    self._populate_configs(installed_apps)
                for config in self.app_configs.values():
                    config.import_models()
                self.models_ready = True
                for config in self.app_configs.values():
                    config.ready()
                self.ready = True
            finally:
                self._loading = False

    def populate_configs(
        self, installed_apps: Iterable[str | type[AppConfig]] | None = None
    ) -> None:
        """Run phase one only: import apps and build configs, without models or ``ready()``.

        The CLI uses this to list commands quickly.
        """
        with self._lock:
            if not self.configs_ready:
                self._populate_configs(installed_apps)

    def _populate_configs(self, installed_apps: Iterable[str | type[AppConfig]] | None) -> None:
        if installed_apps is None:
            from framework.conf import settings

            installed_apps = settings.INSTALLED_APPS
        configs: dict[str, AppConfig] = {}
        for entry in installed_apps:
            config = AppConfig.create(entry)
            if config.label in configs:
                other = configs[config.label]
                raise ImproperlyConfigured(
                    f"App labels aren't unique: {other.name!r} and {config.name!r} are both "
                    f"labelled {config.label!r}; set a different AppConfig.label on one of them."
                )
            config.apps = self
            configs[config.label] = config
        self.app_configs = {config.label: config for config in _dependency_order(configs)}
        self.configs_ready = True

    def reset(self) -> None:
        """Forget every app and model (tests that build several projects in one process)."""
        with self._lock:
            self._clear()

    # -- readiness ------------------------------------------------------------------------

    def check_configs_ready(self) -> None:
        """Raise ``AppRegistryNotReady`` unless the app configs are loaded."""
        if not self.configs_ready:
            raise AppRegistryNotReady(
                "Apps aren't loaded yet: call framework.setup() (manage.py does) first."
            )

    def check_models_ready(self) -> None:
        """Raise ``AppRegistryNotReady`` unless every app's models are imported."""
        if not self.models_ready:
            raise AppRegistryNotReady(
                "Models aren't loaded yet: call framework.setup() (manage.py does) first."
            )

    # -- queries --------------------------------------------------------------------------

    def get_app_configs(self) -> list[AppConfig]:
        """Return every app config in load order."""
        self.check_configs_ready()
        return list(self.app_configs.values())

    def get_app_config(self, label: str) -> AppConfig:
        """Return the app config for *label*; ``LookupError`` suggests close labels."""
        self.check_configs_ready()
        try:
            return self.app_configs[label]
        except KeyError:
            message = f"No installed app with label {label!r}."
            close = difflib.get_close_matches(label, list(self.app_configs), n=1)
            if close:
                message += f" Did you mean {close[0]!r}?"
            raise LookupError(message) from None

    def is_installed(self, name: str) -> bool:
        """Return whether an app with module path *name* is installed."""
        self.check_configs_ready()
        return any(config.name == name for config in self.app_configs.values())

    def get_containing_app_config(self, module_name: str) -> AppConfig | None:
        """Return the config of the app whose package contains *module_name*, if any."""
        candidates = [
            config
            for config in self.app_configs.values()
            if module_name == config.name or module_name.startswith(config.name + ".")
        ]
        # The most specific app wins when packages nest (``shop`` and ``shop.payments``).
        return max(candidates, key=lambda config: len(config.name), default=None)

    # -- models ---------------------------------------------------------------------------

    def register_model(self, app_label: str, model: type) -> None:
        """Record *model* as belonging to *app_label* (called as model classes are created)."""
        name = model.__name__.lower()
        existing = self.all_models[app_label].get(name)
        if existing is not None and existing is not model:
            if existing.__module__ == model.__module__:
                # A module imported twice under reload: the newest class wins.
                logger.debug("Model %s.%s was redefined", app_label, model.__name__)
            else:
                raise ImproperlyConfigured(
                    f"Conflicting {name!r} models in app {app_label!r}: "
                    f"{existing.__module__}.{existing.__name__} and "
                    f"{model.__module__}.{model.__name__}."
                )
        self.all_models[app_label][name] = model

    def get_models(self, app_label: str | None = None) -> list[type]:
        """Return the models of every installed app (or of *app_label*), in load order."""
        self.check_models_ready()
        labels = [app_label] if app_label is not None else list(self.app_configs)
        return [model for label in labels for model in self.all_models.get(label, {}).values()]

    # -- lifecycle ------------------------------------------------------------------------

    async def startup(self) -> None:
        """Run each app's ``on_startup`` in registry order; on failure, shut down those started."""
        for config in self.get_app_configs():
            try:
                await _call_hook(config.on_startup)
            except BaseException:
                await self.shutdown()
                raise
            self._started.append(config)

    async def shutdown(self) -> None:
        """Run ``on_shutdown`` of started apps in reverse order; log failures and go on."""
        while self._started:
            config = self._started.pop()
            try:
                await _call_hook(config.on_shutdown)
            except Exception:
                logger.exception("on_shutdown of app %r failed", config.label)


async def _call_hook(hook: Any) -> None:
    result = hook()
    if inspect.isawaitable(result):
        await result


def _dependency_order(configs: dict[str, AppConfig]) -> list[AppConfig]:
    """Order *configs* so each app follows its ``depends_on``; otherwise keep the given order."""
    by_name = {config.name: config for config in configs.values()}
    graph: dict[str, set[str]] = {}
    for label, config in configs.items():
        deps = set()
        for dependency in config.depends_on:
            target = configs.get(dependency) or by_name.get(dependency)
            if target is None:
                raise ImproperlyConfigured(
                    f"App {label!r} depends on {dependency!r}, which is not in INSTALLED_APPS."
                )
            deps.add(target.label)
        graph[label] = deps
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ImproperlyConfigured(f"INSTALLED_APPS have a dependency cycle: {cycle}.") from None
    # Stable order: repeatedly take the first app (in INSTALLED_APPS order) whose
    # dependencies are all placed, so apps without dependencies never move.
    ordered: list[AppConfig] = []
    placed: set[str] = set()
    pending = list(configs)
    while pending:
        label = next(label for label in pending if graph[label] <= placed)
        pending.remove(label)
        placed.add(label)
        ordered.append(configs[label])
    return ordered
