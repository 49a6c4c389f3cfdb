"""``Model``: the declarative base every app's models derive from.

One metadata with a naming convention (so constraints get stable names that migrations can
refer to), a default table name ``<app_label>_<snake_class>``, and each model knowing its
app and its database alias::

    class Post(CRUDMixin, Model):          # in blog/models.py -> table "blog_post"
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200))

Class attributes a model may set: ``__tablename__``, ``__app_label__`` (for a model outside
an installed app) and ``__database__`` (an alias other than its app's).
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

from sqlalchemy import MetaData, inspect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, declared_attr, has_inherited_table

from framework.apps import apps
from framework.exceptions import AppRegistryNotReady, ImproperlyConfigured

__all__ = ["NAMING_CONVENTION", "Model", "database_alias", "metadata", "snake_case"]

#: Constraint names: ``pk_blog_post``, ``fk_blog_post_author_id_auth_user``, ``uq_…``, ``ix_…``.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The one metadata of every model; migrations compare against it.
metadata = MetaData(naming_convention=NAMING_CONVENTION)

_definition_order = itertools.count()
_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_ALL_CAP = re.compile(r"([a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    """Return *name* in snake case: ``BlogPost`` -> ``blog_post``, ``HTTPLog`` -> ``http_log``."""
    return _ALL_CAP.sub(r"\1_\2", _FIRST_CAP.sub(r"\1_\2", name)).lower()


def _app_label(cls: type) -> str:
    """Return the label of the app *cls* belongs to (explicit, or from its module)."""
    explicit = cls.__dict__.get("__app_label__")
    if explicit:
        return str(explicit)
    if not apps.configs_ready:
        raise AppRegistryNotReady(
            f"Model {cls.__module__}.{cls.__qualname__} was defined before the apps were "
            "loaded: call framework.setup() first, or set __app_label__ on the model."
        )
    config = apps.get_containing_app_config(cls.__module__)
    if config is None:
        raise ImproperlyConfigured(
            f"Model {cls.__module__}.{cls.__qualname__} is not in an app listed in "
            "INSTALLED_APPS; add its app there, or set __app_label__ on the model."
        )
    return config.label


class Model(AsyncAttrs, DeclarativeBase):
    """Base class of the project's models (SQLAlchemy 2 declarative, typed ``Mapped[...]``)."""

    metadata = metadata
    __app_label__: ClassVar[str]
    __database__: ClassVar[str | None] = None
    __definition_order__: ClassVar[int]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The label must be known before SQLAlchemy maps the class: the table name uses it.
        if not cls.__dict__.get("__abstract__", False):
            cls.__app_label__ = _app_label(cls)
            cls.__definition_order__ = next(_definition_order)
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("__abstract__", False):
            apps.register_model(cls.__app_label__, cls)

    @declared_attr.directive
    @classmethod
    def __tablename__(cls) -> str | None:
        """Name the table ``<app_label>_<snake_class>`` (single-table subclasses get none)."""
        if has_inherited_table(cls):
            return None
        return f"{cls.__app_label__}_{snake_case(cls.__name__)}"

    def __repr__(self) -> str:
        state = inspect(self)
        key = state.identity
        shown = ", ".join(str(part) for part in key) if key else "unsaved"
        return f"<{type(self).__name__} {shown}>"


def database_alias(model: type[Any]) -> str:
    """Return the database alias of *model*: its ``__database__``, else its app's."""
    alias = getattr(model, "__database__", None)
    if alias:
        return str(alias)
    config = apps.app_configs.get(getattr(model, "__app_label__", ""))
    return config.database if config is not None else "default"
