"""The admin's forms: every one carries the CSRF token; read-only fields are shown, not written.

sqladmin renders a form's hidden fields through ``form.hidden_tag()`` when the form has one;
:class:`AdminForm` puts the session's CSRF token there (the framework's ``CSRFMiddleware``
checks it on every POST, as for any form of the site). Forms are built without a request, so
the request being served is kept in a context variable by the admin's ASGI app.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any, TypeVar

from markupsafe import Markup
from sqladmin.forms import ModelConverter
from sqladmin.forms import converts as _untyped_converts
from sqlalchemy import Column, select
from sqlalchemy.orm import ColumnProperty
from starlette.requests import Request
from wtforms import Field, FloatField, Form, SelectField, validators
from wtforms.fields.core import UnboundField

from framework.auth.csrf import csrf_input

__all__ = [
    "AdminConverter",
    "AdminForm",
    "current_request",
    "done_serving",
    "mark_read_only",
    "serving",
]

_Converter = TypeVar("_Converter", bound=Callable[..., Any])
#: sqladmin's ``@converts(*type_names)``, with the signature it has: sqladmin marks it
#: ``@no_type_check``, which would leave every converter it decorates untyped.
converts: Callable[..., Callable[[_Converter], _Converter]] = _untyped_converts

_request: contextvars.ContextVar[Request | None] = contextvars.ContextVar(
    "framework_admin_request", default=None
)


def serving(request: Request) -> contextvars.Token[Request | None]:
    """Remember *request* as the one being served (reset with the returned token)."""
    return _request.set(request)


def done_serving(token: contextvars.Token[Request | None]) -> None:
    """Forget the request remembered by :func:`serving`."""
    _request.reset(token)


def current_request() -> Request:
    """Return the request the admin is serving."""
    request = _request.get()
    if request is None:
        raise RuntimeError("No admin request is being served here.")
    return request


class AdminForm(Form):  # type: ignore[misc, unused-ignore]  # WTForms: no hints
    """A WTForms form whose hidden part includes the CSRF token of the current session."""

    def hidden_tag(self) -> Markup:
        """Return the CSRF input and the form's own hidden fields."""
        from framework.conf import settings

        parts = [csrf_input(current_request(), settings.CSRF_FIELD_NAME)]
        parts += [
            Markup(field()) for field in self if getattr(field.widget, "input_type", "") == "hidden"
        ]
        return Markup("").join(parts)


class AdminConverter(ModelConverter):
    """sqladmin's column-to-field converter, with floating-point and bare foreign-key columns.

    In SQLAlchemy 2.1 ``Float`` and ``Double`` (what ``Mapped[float]`` makes) no longer
    derive from ``Numeric``, which sqladmin 0.32 converts; without this, the form of a model
    with a float column fails to build. sqladmin leaves foreign-key columns to the
    relationship using them; a foreign key with no ``relationship()`` becomes a select of
    the related rows here (as in Django's admin) instead of vanishing from the form.
    """

    async def convert(  # sqladmin's signature
        self,
        model: type,
        prop: Any,
        session_maker: Any,
        field_args: dict[str, Any],
        field_widget_args: dict[str, Any],
        form_include_pk: bool,
        label: str | None = None,
        override: type[Field] | None = None,
        form_ajax_refs: dict[str, Any] | None = None,
    ) -> UnboundField:
        """Return the form field of *prop*: a select of related rows for a bare foreign key."""
        target = bare_foreign_key(prop)
        if target is None or override is not None:
            return await super().convert(
                model,
                prop,
                session_maker,
                field_args,
                field_widget_args,
                form_include_pk,
                label,
                override,
                form_ajax_refs,
            )
        kwargs = await self._prepare_kwargs(
            prop=prop,
            session_maker=session_maker,
            field_args=field_args,
            field_widget_args=field_widget_args,
            form_include_pk=True,  # sqladmin's switch for key columns
            label=label,
        )
        assert kwargs is not None  # a column always has a field
        column = prop.columns[0]
        coerce = _coercion(target)
        choices = await _related_choices(target, prop.parent.registry, session_maker)
        if column.nullable:
            choices.insert(0, ("", "---------"))
        return SelectField(choices=choices, coerce=coerce, **kwargs)

    @converts("Float", "Double", "REAL", "DOUBLE", "DOUBLE_PRECISION")
    def conv_float(self, model: type, prop: Any, kwargs: dict[str, Any]) -> UnboundField:
        """Return a float input."""
        return FloatField(**kwargs)


def bare_foreign_key(prop: Any) -> Column[Any] | None:
    """Return the column *prop* refers to, when it is a foreign key no relationship uses."""
    if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
        return None
    column = prop.columns[0]
    if not isinstance(column, Column) or column.primary_key or len(column.foreign_keys) != 1:
        return None
    if any(column in relation.local_columns for relation in prop.parent.relationships):
        return None
    return next(iter(column.foreign_keys)).column


def _coercion(target: Column[Any]) -> Any:
    """Return how a posted value becomes the referenced column's type ("" is no row)."""
    try:
        kind: Any = target.type.python_type
    except NotImplementedError:
        kind = str

    def coerce(value: Any) -> Any:
        return None if value in ("", None) else kind(value)

    return coerce


async def _related_choices(
    target: Column[Any], registry: Any, session_maker: Any
) -> list[tuple[Any, str]]:
    """Return ``(key, label)`` of every row of the referenced table (labels: ``str(row)``)."""
    mapped = next((mapper for mapper in registry.mappers if target.table in mapper.tables), None)
    async with session_maker() as session:
        if mapped is None:
            keys = (await session.execute(select(target).order_by(target))).scalars()
            return [(key, str(key)) for key in keys]
        attribute = mapped.get_property_by_column(target).key
        rows = (await session.execute(select(mapped.class_).order_by(target))).scalars()
        return [(getattr(row, attribute), str(row)) for row in rows]


def _ignore_input(self: Any, valuelist: list[Any]) -> None:
    """Keep the field's value whatever was posted (a read-only field)."""


def mark_read_only(form_class: type[Form], names: set[str]) -> type[Form]:
    """Return *form_class* with the fields *names* shown read-only, posted values ignored."""
    replaced: dict[str, Any] = {}
    for name in names:
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kwargs = dict(unbound.kwargs)
        render = dict(kwargs.get("render_kw") or {})
        render.update(readonly=True, disabled=True)
        kwargs.update(render_kw=render, validators=[validators.Optional()])
        field_class = type(
            f"ReadOnly{unbound.field_class.__name__}",
            (unbound.field_class,),
            {"process_formdata": _ignore_input},
        )
        replaced[name] = UnboundField(field_class, *unbound.args, **kwargs)
    if not replaced:
        return form_class
    return type(form_class.__name__, (form_class,), replaced)
