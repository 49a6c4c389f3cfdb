"""Resolve each setting from its layers and remember where the value came from.

Layers, highest first: OS environment > ``.env`` file > settings module > framework defaults.
The environment only overrides keys the project knows (a default, a module value or a ``.env``
line), so ``PATH`` or ``HOME`` never become settings; ``get()`` and ``require()`` ask for a
key by name and so read the environment for any key.
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import framework.conf.global_settings as global_settings
from framework.conf.casting import cast_like, cast_to, check_cast_name
from framework.conf.dotenv import read_dotenv_lines
from framework.exceptions import ImproperlyConfigured

__all__ = ["Setting", "SettingNotFound", "Settings", "Source"]

#: Where a value can come from, lowest layer first.
Source = Literal["default", "module", ".env", "env", "override"]


class SettingNotFound(ImproperlyConfigured, AttributeError):
    """A setting was read that no layer defines."""


class Setting:
    """One resolved value, the layer it came from, and where exactly (for messages).

    ``source`` is the layer (a :data:`Source`); ``origin`` says where a person finds
    the value: ``.env line 2``, ``environment variable DEBUG``,
    ``settings module mysite/settings.py``.
    """

    __slots__ = ("key", "origin", "source", "value")

    def __init__(self, key: str, value: Any, source: Source, origin: str = "") -> None:
        self.key = key
        self.value = value
        self.source = source
        self.origin = origin or _DEFAULT_ORIGINS.get(source, source)

    def __repr__(self) -> str:
        return f"Setting({self.key!r}, {self.value!r}, source={self.source!r})"


_DEFAULT_ORIGINS = {
    "default": "the framework's defaults",
    "module": "the settings module",
    ".env": "the .env file",
    "env": "the environment",
    "override": "settings.override()",
}


def _shown_path(path: Path, base_dir: Any) -> str:
    """Return *path* relative to the project root when it lies inside, else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path(base_dir).resolve()))
    except (TypeError, ValueError, OSError):
        return str(path)


def _upper_names(namespace: ModuleType | Mapping[str, Any]) -> dict[str, Any]:
    items = vars(namespace).items() if isinstance(namespace, ModuleType) else namespace.items()
    return {key: value for key, value in items if key.isupper() and not key.startswith("_")}


#: Settings module names that did not come from FRAMEWORK_SETTINGS_MODULE, with where they
#: came from (``--settings x.settings``, recorded by the CLI), for messages.
NAME_ORIGIN: dict[str, str] = {}


def import_settings_module(name: str) -> ModuleType:
    """Import the settings module *name*, explaining a failure in one sentence."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name and name.startswith(exc.name):
            raise ImproperlyConfigured(
                f"Settings module {name!r} cannot be found "
                f"({NAME_ORIGIN.get(name, 'FRAMEWORK_SETTINGS_MODULE')}). "
                "Run commands through the project's manage.py, from the project directory."
            ) from exc
        raise ImproperlyConfigured(
            f"Settings module {name!r} failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    except Exception as exc:
        raise ImproperlyConfigured(
            f"Settings module {name!r} failed to import: {type(exc).__name__}: {exc}"
        ) from exc


def default_base_dir(module: ModuleType | None) -> Path:
    """Return the project root: the folder holding the settings module's top-level package."""
    if module is None or not getattr(module, "__file__", None):
        return Path.cwd()
    top = importlib.import_module(module.__name__.partition(".")[0])
    top_file = Path(top.__file__ or module.__file__ or ".").resolve()
    return top_file.parent.parent if top_file.name == "__init__.py" else top_file.parent


class Settings:
    """The effective settings of one project: every layer merged, with its source.

    Build it with :meth:`from_module` (what ``manage.py`` does) or :meth:`from_options`
    (a service without a settings module, or a test).
    """

    def __init__(
        self,
        module_values: Mapping[str, Any],
        *,
        module_name: str | None = None,
        dotenv: Mapping[str, str] | None = None,
        dotenv_path: Path | None = None,
        environ: Mapping[str, str] | None = None,
        module_file: str | None = None,
        dotenv_lines: Mapping[str, int] | None = None,
    ) -> None:
        self.module_name = module_name
        self.dotenv_path = dotenv_path
        self._environ = os.environ if environ is None else environ
        self._defaults = _upper_names(vars(global_settings))
        self._module = dict(module_values)
        self._dotenv = dict(dotenv or {})
        self._origins = self._layer_origins(module_file, dotenv_lines or {})
        self._resolved: dict[str, Setting] = {}
        for key in sorted({*self._defaults, *self._module, *self._dotenv}):
            self._resolved[key] = self._resolve(key)
        self._apply_database_url()

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_module(cls, name: str, environ: Mapping[str, str] | None = None) -> Settings:
        """Load the settings module *name* with the ``.env`` file of its project."""
        environ = os.environ if environ is None else environ
        module = import_settings_module(name)
        values = _upper_names(module)
        base_dir = Path(values["BASE_DIR"]) if values.get("BASE_DIR") else default_base_dir(module)
        values.setdefault("BASE_DIR", base_dir)
        dotenv_path = Path(environ.get("FRAMEWORK_ENV_FILE") or base_dir / ".env")
        dotenv, lines = read_dotenv_lines(dotenv_path)
        return cls(
            values,
            module_name=name,
            dotenv=dotenv,
            dotenv_path=dotenv_path,
            environ=environ,
            module_file=getattr(module, "__file__", None),
            dotenv_lines=lines,
        )

    @classmethod
    def from_options(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Settings:
        """Build settings from keyword *options* in place of a settings module."""
        unknown = [key for key in options if not key.isupper()]
        if unknown:
            raise ImproperlyConfigured(f"Setting names are UPPER_CASE; got {unknown[0]!r}.")
        options.setdefault("BASE_DIR", Path.cwd())
        return cls(options, environ={} if environ is None else environ)

    # -- resolution -----------------------------------------------------------------------

    def _layer_origins(self, module_file: str | None, lines: Mapping[str, int]) -> dict[str, Any]:
        """Return what :meth:`origin` needs to describe each layer in words."""
        base_dir = self._module.get("BASE_DIR")
        module = self.module_name and f"settings module {self.module_name}"
        if module_file:
            module = f"settings module {_shown_path(Path(module_file), base_dir)}"
        dotenv = _shown_path(self.dotenv_path, base_dir) if self.dotenv_path else ".env"
        return {"module": module or "the settings", "dotenv": dotenv, "lines": dict(lines)}

    def origin(self, key: str, source: Source) -> str:
        """Return where *key*'s value in layer *source* is written, in words."""
        if source == "module":
            return str(self._origins["module"])
        if source == ".env":
            line = self._origins["lines"].get(key)
            where = self._origins["dotenv"]
            return f"{where} line {line}" if line else where
        if source == "env":
            return f"environment variable {key}"
        return _DEFAULT_ORIGINS.get(source, source)

    def _resolve(self, key: str) -> Setting:
        if key in self._module:
            setting = Setting(key, self._module[key], "module", self.origin(key, "module"))
        elif key in self._defaults:
            setting = Setting(key, self._defaults[key], "default")
        else:
            setting = Setting(key, None, "default")
        # Text from .env or the environment takes the type of the framework's default when
        # there is one: a wrong type in the settings module must not change how they read.
        like = self._defaults.get(key) if self._defaults.get(key) is not None else setting.value
        if key in self._dotenv:
            value = cast_like(self._dotenv[key], like, key, ".env")
            setting = Setting(key, value, ".env", self.origin(key, ".env"))
        if key in self._environ:
            value = cast_like(self._environ[key], like, key, "the environment")
            setting = Setting(key, value, "env", self.origin(key, "env"))
        return setting

    def _apply_database_url(self) -> None:
        url = self._resolved["DATABASE_URL"]
        if not url.value:
            return
        databases = dict(self._resolved["DATABASES"].value or {})
        default = databases.get("default")
        if isinstance(default, Mapping):
            databases["default"] = {**default, "URL": url.value}
        else:
            databases["default"] = url.value
        self._resolved["DATABASES"] = Setting("DATABASES", databases, url.source, url.origin)

    # -- access ---------------------------------------------------------------------------

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._resolved[key].value
        except KeyError:
            raise self._not_found(key) from None

    def __contains__(self, key: object) -> bool:
        return key in self._resolved

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolved)

    def _not_found(self, key: str) -> SettingNotFound:
        message = f"Setting {key!r} is not defined."
        close = difflib.get_close_matches(key, list(self._resolved), n=1, cutoff=0.75)
        if close:
            message += f" Did you mean {close[0]!r}?"
        return SettingNotFound(message)

    def lookup(self, key: str) -> Setting | None:
        """Return the resolved :class:`Setting` for *key*, reading the environment for any key."""
        if key in self._resolved:
            return self._resolved[key]
        if key in self._environ:
            return Setting(key, self._environ[key], "env", self.origin(key, "env"))
        return None

    def get(self, key: str, default: Any = None, cast: Any = None) -> Any:
        """Return *key*'s value, or *default* when no layer defines it.

        *cast* (a type such as ``int``/``bool``/``list``, any callable, or a name: ``"url"``,
        ``"path"``, ``"list"``…) converts string values; an unknown name is refused at once.
        """
        if isinstance(cast, str):
            check_cast_name(cast, key)
        setting = self.lookup(key)
        if setting is None:
            return default
        if cast is not None and isinstance(setting.value, str):
            return cast_to(setting.value, cast, key, setting.source)
        return setting.value

    def require(self, key: str, cast: Any = None) -> Any:
        """Return *key*'s value; raise ``ImproperlyConfigured`` naming where to set it if unset."""
        value = self.get(key, None, cast)
        if value is None or value == "":
            places = []
            if self.module_name:
                places.append(f"the settings module {self.module_name!r}")
            if self.dotenv_path:
                places.append(f"the .env file {str(self.dotenv_path)!r}")
            places.append(f"the environment ({key}=...)")
            raise ImproperlyConfigured(
                f"Setting {key!r} is required but not set: set it in {', '.join(places[:-1])}"
                f"{' or ' if len(places) > 1 else ''}{places[-1]}."
            )
        return value

    def items(self) -> list[Setting]:
        """Return every resolved setting, sorted by key."""
        return [self._resolved[key] for key in sorted(self._resolved)]

    def module_keys(self) -> set[str]:
        """Return the keys the settings module defines (for typo checks)."""
        return set(self._module)

    def default_keys(self) -> set[str]:
        """Return the keys the framework knows."""
        return set(self._defaults)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """Return a copy where *overrides* win over every layer (source ``override``)."""
        clone = object.__new__(Settings)
        clone.__dict__.update(self.__dict__)
        clone._resolved = dict(self._resolved)
        for key, value in overrides.items():
            clone._resolved[key] = Setting(key, value, "override")
        return clone
