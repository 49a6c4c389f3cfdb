"""``AdminSite``: which models the admin shows, with which ``ModelAdmin``; ``register``.

Each installed app's ``admin.py`` is imported when the admin is built, in INSTALLED_APPS
order, and registers its models::

    from framework.contrib.admin import ModelAdmin, register

    @register(Post)
    class PostAdmin(ModelAdmin):
        list_display = ["id", "title"]

``site.register(Post)`` (no class) uses the defaults. A model registered twice is refused,
naming both classes; to replace a registration (the built-in ``User`` admin, say),
``site.unregister(User)`` first. Only models of installed apps are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from framework.contrib.admin.options import ModelAdmin
from framework.exceptions import ImproperlyConfigured

__all__ = ["AdminSite", "AlreadyRegistered", "NotRegistered", "register", "site"]

A = TypeVar("A", bound=type[ModelAdmin])


class AlreadyRegistered(ImproperlyConfigured):
    """A model was registered with the admin twice."""


class NotRegistered(ImproperlyConfigured):
    """A model that is not registered was unregistered."""


def _name(model: Any) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def _check_model(model: Any) -> None:
    if not isinstance(model, type) or getattr(model, "__mapper__", None) is None:
        raise ImproperlyConfigured(
            f"The admin registers model classes (subclasses of framework.db.Model); got {model!r}."
        )


class AdminSite:
    """The registry of the admin: model class → ``ModelAdmin`` subclass, and the page titles."""

    #: Shown at the top of every admin page and in the browser's title.
    site_header = "Administration"

    def __init__(self) -> None:
        self._registry: dict[type, type[ModelAdmin]] = {}

    def __contains__(self, model: object) -> bool:
        return model in self._registry

    def register(
        self, models: type | Iterable[type], admin_class: type[ModelAdmin] | None = None
    ) -> None:
        """Show *models* in the admin with *admin_class* (``ModelAdmin`` when None)."""
        admin_class = admin_class or ModelAdmin
        if not (isinstance(admin_class, type) and issubclass(admin_class, ModelAdmin)):
            raise ImproperlyConfigured(
                f"{admin_class!r} is not a ModelAdmin subclass: "
                "from framework.contrib.admin import ModelAdmin."
            )
        for model in [models] if isinstance(models, type) else list(models):
            _check_model(model)
            existing = self._registry.get(model)
            if existing is not None:
                raise AlreadyRegistered(
                    f"{_name(model)} is registered with the admin twice: by {_name(existing)} "
                    f"and by {_name(admin_class)}. Call site.unregister({model.__name__}) "
                    "before registering it again."
                )
            self._registry[model] = admin_class

    def unregister(self, models: type | Iterable[type]) -> None:
        """Stop showing *models* in the admin."""
        for model in [models] if isinstance(models, type) else list(models):
            if model not in self._registry:
                raise NotRegistered(f"{_name(model)} is not registered with the admin.")
            del self._registry[model]

    def registry(self) -> dict[type, type[ModelAdmin]]:
        """Return a copy of the registrations, in registration order."""
        return dict(self._registry)


#: The admin of the project (what ``ADMIN_URL`` serves).
site = AdminSite()


def register(*models: type, site: AdminSite | None = None) -> Callable[[A], A]:
    """Register *models* with the decorated ``ModelAdmin`` subclass (Django's ``@register``)."""
    if not models:
        raise TypeError("@register needs at least one model: @register(Post).")
    target = site if site is not None else globals()["site"]

    def decorator(admin_class: A) -> A:
        target.register(models, admin_class)
        return admin_class

    return decorator
