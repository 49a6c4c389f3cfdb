"""From a ``ModelAdmin`` to a sqladmin view class: Django's names checked, then translated.

=====================  ==============================================================
``ModelAdmin``         sqladmin ``ModelView``
=====================  ==============================================================
``list_display``       ``column_list`` (+ one ``selectinload`` per relationship path)
``search_fields``      ``column_searchable_list`` (searched the Django way)
``list_filter``        ``column_filters`` (:func:`.filters.make_filter`)
``ordering``           ``column_default_sort`` (``-`` for descending)
``sortable_by``        ``column_sortable_list`` (default: the listed columns)
``fields``/``exclude`` ``form_columns``/``form_excluded_columns``
``readonly_fields``    read-only form fields, never written
``list_per_page``      ``page_size``
``actions``            POST routes, one per action (:mod:`.application`)
=====================  ==============================================================

A sqladmin option written on the ``ModelAdmin`` itself (``column_list``, ``form_args``…)
wins over the translation. Sensitive fields (``sensitive_fields``: passwords) are never
listed, shown, exported or put in a form; naming one in an option is refused.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, selectinload

from framework.contrib.admin.filters import make_filter
from framework.contrib.admin.forms import AdminForm
from framework.contrib.admin.options import ModelAdmin
from framework.contrib.admin.views import AdminView
from framework.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from framework.db import Model

__all__ = ["label_of", "make_view"]

_ACTION_NAME = re.compile(r"^[A-Za-z0-9_-]+\Z")


def label_of(name: str) -> str:
    """Return the column heading for *name*: ``author.name`` → ``Author name``."""
    words = name.replace(".", " ").replace("_", " ").strip()
    return "ID" if words == "id" else words[:1].upper() + words[1:]


class _Checker:
    """Check the names a ``ModelAdmin`` uses against its model, with "Did you mean" hints."""

    def __init__(self, admin_class: type[ModelAdmin], model: type) -> None:
        self.admin_class = admin_class
        self.model = model
        self.sensitive = {name for name in admin_class.sensitive_fields}

    def _fail(self, option: str, name: str, model: type, known: Iterable[str]) -> None:
        message = (
            f"{self.admin_class.__qualname__}.{option} names {name!r}, which "
            f"{model.__name__} does not have."
        )
        close = difflib.get_close_matches(name.split(".")[-1], list(known), n=1)
        raise ImproperlyConfigured(message + (f" Did you mean {close[0]!r}?" if close else ""))

    def path(self, option: str, name: str, *, properties: bool = False) -> list[str]:
        """Check the attribute path *name*; return the relationship names it goes through."""
        if not isinstance(name, str) or not name.lstrip("=^"):
            raise ImproperlyConfigured(
                f"{self.admin_class.__qualname__}.{option} takes attribute names; got {name!r}."
            )
        if name in self.sensitive:
            raise ImproperlyConfigured(
                f"{self.admin_class.__qualname__}.{option} names {name!r}, a sensitive field "
                "the admin never shows (see sensitive_fields)."
            )
        model, hops = self.model, []
        parts = name.split(".")
        mapper: Mapper[Any]
        for part in parts[:-1]:
            mapper = inspect(model)
            if part not in mapper.relationships:
                self._fail(option, name, model, mapper.relationships.keys())
            hops.append(part)
            model = mapper.relationships[part].mapper.class_
        mapper = inspect(model)
        last = parts[-1]
        allowed = last in mapper.attrs or (properties and len(parts) == 1 and hasattr(model, last))
        if not allowed:
            self._fail(option, name, model, mapper.attrs.keys())
        return hops

    def names(self, option: str, names: Sequence[str], **kwargs: Any) -> list[str]:
        """Check every name of *option*; return them."""
        for name in names:
            self.path(option, name, **kwargs)
        return list(names)


def _loads(model: type, names: Sequence[str], checker: _Checker) -> tuple[Any, ...]:
    """Return one ``selectinload`` chain per relationship path the list columns go through."""
    options, seen = [], set()
    for name in names:
        hops = checker.path("list_display", name, properties=True)
        mapper: Mapper[Any] = inspect(model)
        if len(name.split(".")) == 1 and name in mapper.relationships:
            hops = [name]
        if not hops or tuple(hops) in seen:
            continue
        seen.add(tuple(hops))
        current, loader = model, None
        for hop in hops:
            attribute = getattr(current, hop)
            loader = selectinload(attribute) if loader is None else loader.selectinload(attribute)
            current = inspect(current).relationships[hop].mapper.class_
        options.append(loader)
    return tuple(options)


def _sortable(model: type, names: Sequence[str]) -> list[str]:
    """Return the listed names that end on a column (what the database can order by)."""
    sortable = []
    for name in names:
        current = model
        for part in name.split(".")[:-1]:
            current = inspect(current).relationships[part].mapper.class_
        if name.split(".")[-1] in inspect(current).column_attrs:
            sortable.append(name)
    return sortable


def _list_options(admin: type[ModelAdmin], model: type, check: _Checker) -> dict[str, Any]:
    mapper: Mapper[Any] = inspect(model)
    display = list(admin.list_display) or [
        prop.key for prop in mapper.column_attrs if prop.key not in check.sensitive
    ]
    sortable = (
        check.names("sortable_by", admin.sortable_by)
        if admin.sortable_by is not None
        else _sortable(model, display)
    )
    check.names("ordering", [name.lstrip("-") for name in admin.ordering])
    default_sort = [(name.lstrip("-"), name.startswith("-")) for name in admin.ordering] or [
        (mapper.get_property_by_column(column).key, True) for column in mapper.primary_key
    ]
    search = tuple(
        (name[0] if name[:1] in ("=", "^") else "", name.lstrip("=^"))
        for name in admin.search_fields
    )
    check.names("search_fields", [path for _, path in search])
    for entry in admin.list_filter:
        if isinstance(entry, str):
            check.path("list_filter", entry)
            if "." in entry:
                raise ImproperlyConfigured(
                    f"{admin.__qualname__}.list_filter takes attributes of "
                    f"{model.__name__} itself; got {entry!r}."
                )
    return {
        "column_list": display,
        "_list_loads": _loads(model, display, check),
        "column_sortable_list": sortable,
        "column_default_sort": default_sort,
        "column_searchable_list": [path for _, path in search],
        "_search": search,
        "column_filters": [make_filter(model, entry) for entry in admin.list_filter],
        "page_size": admin.list_per_page,
        "page_size_options": sorted({10, 25, 50, 100, admin.list_per_page}),
    }


def _form_options(admin: type[ModelAdmin], model: type, check: _Checker) -> dict[str, Any]:
    mapper: Mapper[Any] = inspect(model)
    hidden = [name for name in check.sensitive if name in mapper.attrs]
    exclude = check.names("exclude", list(admin.exclude)) + hidden
    read_only = check.names("readonly_fields", list(admin.readonly_fields))
    if admin.fields is not None:
        fields = check.names("fields", list(admin.fields))
        form = {"form_columns": [name for name in fields if name not in exclude]}
    else:
        form = {"form_excluded_columns": exclude}
    details = [prop.key for prop in mapper.attrs if prop.key not in hidden]
    return {**form, "_read_only": frozenset(read_only), "column_details_list": details}


def _actions(admin: type[ModelAdmin]) -> dict[str, Any]:
    actions = {}
    for spec, function in admin.action_specs():
        if not _ACTION_NAME.match(spec.name):
            raise ImproperlyConfigured(
                f"{admin.__qualname__}: the action {spec.name!r} needs a name of letters, "
                "digits, '-' and '_'."
            )
        actions[spec.name] = (spec, function)
    return actions


def make_view(
    model: type, admin_class: type[ModelAdmin], *, identity: str, category: str
) -> type[AdminView]:
    """Return the sqladmin view class of *model* administered by *admin_class*."""
    check = _Checker(admin_class, model)
    translated: dict[str, Any] = {
        **_list_options(admin_class, model, check),
        **_form_options(admin_class, model, check),
        "_actions": _actions(admin_class),
        "category": category,
        # build_admin passes only models whose ``__app_label__`` names an installed app.
        "model_label": f"{cast('type[Model]', model).__app_label__}.{model.__name__}",
    }
    # Options written on the ModelAdmin (or a base of it), not inherited from sqladmin.
    own = {
        name
        for klass in admin_class.__mro__
        if klass not in AdminView.__mro__
        for name in vars(klass)
    }
    attrs = {key: value for key, value in translated.items() if key not in own}
    shown = [*translated["column_list"], *translated["column_details_list"]]
    attrs["column_labels"] = {
        **{name: label_of(name) for name in shown},
        **(getattr(admin_class, "column_labels", None) or {}),
    }
    for name in ("name", "name_plural", "icon"):
        if name in own:
            attrs[name] = getattr(admin_class, name)
    form_base = getattr(admin_class, "form_base_class", AdminForm)
    if not issubclass(form_base, AdminForm):
        raise ImproperlyConfigured(
            f"{admin_class.__qualname__}.form_base_class must subclass "
            "framework.contrib.admin.forms.AdminForm (it carries the CSRF token)."
        )
    view: type[AdminView] = type(
        f"{admin_class.__name__}View", (admin_class, AdminView), attrs, model=model
    )
    view.identity = identity
    return view
