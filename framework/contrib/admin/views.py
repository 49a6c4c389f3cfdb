"""The sqladmin ``ModelView`` behind each ``ModelAdmin``: options mapped, pages made safe.

:func:`make_view` builds, for a model and its ``ModelAdmin``, a class that inherits from both
the ``ModelAdmin`` (its options, permission methods and actions) and :class:`AdminView`,
with the Django names translated into sqladmin's (``list_display`` → ``column_list``…) and
every name checked against the model. :class:`AdminView` is what sqladmin calls:

* permissions: each sqladmin action (list, details, create, edit, delete, export, a custom
  action) asks the ``has_<permission>_permission`` method it maps to; import is off;
* bounded queries: the list page loads each relationship its columns go through with one
  extra query (``selectinload``), however many rows;
* input: an identifier, filter, sort or page the database cannot take is a 4xx, never a 500;
* writes: in the request's session, with the admin log (:mod:`.persistence`);
* CSV export: a relationship's objects by their names (``str()``), as the JSON export has them;
* links: each page's row links (details, edit, delete) resolve their route once per request
  and model, not once per row (the same URLs, a string joined per row).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncGenerator, Sequence
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

from sqladmin import ModelView
from sqladmin._queries import Query
from sqladmin.authorization import Action
from sqladmin.helpers import (
    Writer,
    get_object_identifier,
    object_identifier_values,
    secure_filename,
    stream_to_csv,
)
from sqlalchemy import String, cast, or_
from sqlalchemy.sql.expression import Select, select
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import StreamingResponse
from wtforms import Form

from framework.contrib.admin.filters import fits_column
from framework.contrib.admin.forms import AdminConverter, AdminForm, mark_read_only
from framework.contrib.admin.options import ActionSpec
from framework.contrib.admin.persistence import (
    changed_fields,
    load_objects,
    record,
    snapshot,
    writing,
)

__all__ = ["AdminView"]

#: sqladmin's actions (plain strings too) and the ``has_<name>_permission`` each one asks.
_PERMISSION_OF: dict[str, Literal["view", "add", "change", "delete"]] = {
    Action.LIST: "view",
    Action.DETAILS: "view",
    Action.EXPORT: "view",
    Action.CREATE: "add",
    Action.EDIT: "change",
    Action.DELETE: "delete",
}
_ACTION_PREFIX = "action:"
#: Stands for the primary key while a row link's route is resolved (see ``_link_parts``).
_PK_MARK = "\x00pk\x00"
#: Where a request keeps its resolved links: ``{(route, identity): (before, after) | None}``.
_LINKS_KEY = "framework.admin.links"


class AdminView(ModelView):
    """What every generated view shares (see the module docstring)."""

    form_base_class = AdminForm
    form_converter = AdminConverter
    can_import = False
    page_size_options: ClassVar[Sequence[int]] = [10, 25, 50, 100]
    #: ``<app label>.<Model>``: how the admin log names the model.
    model_label: ClassVar[str] = ""
    #: The ModelAdmin's (which comes first in a generated view's bases).
    sensitive_fields: ClassVar[Sequence[str]] = ()
    _read_only: ClassVar[frozenset[str]] = frozenset()
    _list_loads: ClassVar[tuple[Any, ...]] = ()
    _search: ClassVar[tuple[tuple[str, str], ...]] = ()
    _actions: ClassVar[dict[str, tuple[ActionSpec, Any]]] = {}

    # -- permissions ----------------------------------------------------------------------

    def has_permission(self, request: Request, action: str, obj: Any = None) -> bool:
        """Answer sqladmin's question with the ModelAdmin's ``has_*_permission`` methods."""
        admin: Any = self
        permission = _PERMISSION_OF.get(action)
        if permission == "view":
            return bool(admin.has_view_permission(request, obj))
        if permission == "add":
            return bool(admin.has_add_permission(request))
        if permission is not None:
            return bool(getattr(admin, f"has_{permission}_permission")(request, obj))
        if action.startswith(_ACTION_PREFIX) and action[len(_ACTION_PREFIX) :] in self._actions:
            spec, _ = self._actions[action[len(_ACTION_PREFIX) :]]
            return admin.has_view_permission(request) and all(
                _asks(admin, name, request) for name in spec.permissions
            )
        return False

    # -- reading --------------------------------------------------------------------------

    def list_query(self, request: Request) -> Select[Any]:
        """Select the model with every relationship the list's columns go through."""
        return select(self.model).options(*self._list_loads)

    def search_query(self, stmt: Select[Any], term: str) -> Select[Any]:
        """Django's search: each word must match one field (contains, ``^`` starts, ``=`` is)."""
        joined: set[str] = set()
        columns = []
        for mode, path in self._search:
            stmt, model = self._join_relationship_paths(stmt, path, joined)
            columns.append((mode, cast(getattr(model, path.split(".")[-1]), String)))
        words = term.split()[:20]
        for word in words:
            matches = []
            for mode, column in columns:
                if mode == "=":
                    matches.append(column.ilike(_escaped(word), escape="\\"))
                elif mode == "^":
                    matches.append(column.ilike(_escaped(word) + "%", escape="\\"))
                else:
                    matches.append(column.ilike(f"%{_escaped(word)}%", escape="\\"))
            stmt = stmt.where(or_(*matches))
        return stmt.distinct() if joined else stmt

    def _stmt_by_identifier(self, identifier: str) -> Select[Any]:
        """Select the object *identifier* names; 404 for one no row can have."""
        missing = HTTPException(404, f"No {self.name} has the id {identifier!r}.")
        try:
            values = object_identifier_values(identifier, self.model)
        except (ValueError, TypeError, ArithmeticError):
            raise missing from None
        if not all(
            fits_column(pk, value) for pk, value in zip(self.pk_columns, values, strict=False)
        ):
            raise missing
        return super()._stmt_by_identifier(identifier)

    async def _export_csv(self, data: builtins.list[Any]) -> StreamingResponse:
        """Stream *data* as CSV, each cell as the list page shows it (not ``[<Role 1>]``)."""

        async def rows(writer: Writer) -> AsyncGenerator[Any, None]:
            yield writer.writerow(self._export_prop_names)
            for row in data:
                values = [await self.get_prop_value(row, name) for name in self._export_prop_names]
                yield writer.writerow([_csv_cell(value) for value in values])

        filename = secure_filename(self.get_export_name(export_type="csv"))
        return StreamingResponse(
            content=stream_to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment;filename={filename}"},
        )

    # -- links ----------------------------------------------------------------------------

    def _build_url_for(self, name: str, request: Request, obj: Any) -> URL:
        """Return the URL of page *name* (``admin:details``, ``admin:edit``) of *obj*."""
        parts = _link_parts(request, name, self._identity_for_object(obj))
        if parts is None:
            return super()._build_url_for(name, request, obj)
        before, after = parts
        return URL(f"{before}{get_object_identifier(obj)}{after}")

    def _url_for_delete(self, request: Request, obj: Any) -> str:
        """Return the delete URL of *obj* (its identifier as the ``pks`` query parameter)."""
        cache = request.scope.setdefault(_LINKS_KEY, {})
        identity = self._identity_for_object(obj)
        base = cache.get(("admin:delete", identity))
        if base is None:
            base = cache["admin:delete", identity] = str(
                request.url_for("admin:delete", identity=identity)
            )
        return f"{base}?{urlencode({'pks': get_object_identifier(obj)})}"

    # -- forms ----------------------------------------------------------------------------

    async def scaffold_form(self, rules: builtins.list[str] | None = None) -> type[Form]:
        """Return the form class, read-only fields shown but never required or written."""
        form = await super().scaffold_form(rules)
        return mark_read_only(form, set(self._read_only))

    def writable(self, data: dict[str, Any]) -> dict[str, Any]:
        """Return the form values that may be written: model attributes, not read-only."""
        attributes = set(self._mapper.attrs.keys())
        return {k: v for k, v in data.items() if k in attributes and k not in self._read_only}

    # -- writing --------------------------------------------------------------------------

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        """Create the object and its log entry in one transaction."""
        return await self._save(request, None, data)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        """Change the object and write its log entry in one transaction."""
        return await self._save(request, pk, data)

    async def load_for_change(self, session: Any, pk: str) -> Any:
        """Return the object *pk* with the form's relationships loaded (404 if missing)."""
        found = await load_objects(
            session, self.model, [self._stmt_by_identifier(pk)], self._form_relations
        )
        if not found:
            raise HTTPException(404, f"No {self.name} has the id {pk!r}.")
        return found[0]

    async def _save(self, request: Request, pk: str | None, data: dict[str, Any]) -> Any:
        created = pk is None
        async with writing() as session:
            obj = self.model() if pk is None else await self.load_for_change(session, pk)
            before = {} if created else snapshot(obj, self.sensitive_fields)
            await self.on_model_change(data, obj, created, request)
            obj = await Query(self)._set_attributes_async(session, obj, self.writable(data))
            if created:
                session.add(obj)
            await session.flush()
            changes = changed_fields(before, obj, self.sensitive_fields)
            action = "create" if created else "update"
            record(session, request, self.model_label, _described(obj), action, changes)
        result = await self.after_model_change(data, obj, created, request)
        Query._store_after_change_response(request, result)
        return obj

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Delete the object and write its log entry in one transaction."""
        async with writing() as session:
            obj = await self.load_for_change(session, str(pk))
            await self.on_model_delete(obj, request)
            target = _described(obj)
            await self.remove(session, obj)
            await session.flush()
            record(session, request, self.model_label, target, "delete", {})
        await self.after_model_delete(obj, request)

    async def remove(self, session: Any, obj: Any) -> None:
        """Delete *obj* in *session* (a subclass may delete what belongs to it first)."""
        await session.delete(obj)

    async def run_action(self, request: Request, slug: str, pks: Sequence[str]) -> Any:
        """Run the action *slug* on the rows *pks*; log every object it changed."""
        function = self._actions[slug][1]
        statements = [self._stmt_by_identifier(pk) for pk in pks]
        async with writing() as session:
            objects = await load_objects(session, self.model, statements)
            targets = {id(obj): _described(obj) for obj in objects}
            before = {id(obj): snapshot(obj, self.sensitive_fields) for obj in objects}
            result = function(self, request, objects)
            if hasattr(result, "__await__"):
                result = await result
            for obj in objects:
                deleted = obj in session.deleted
                changes = (
                    {} if deleted else changed_fields(before[id(obj)], obj, self.sensitive_fields)
                )
                if changes or deleted:
                    target = targets[id(obj)] if deleted else _described(obj)
                    record(session, request, self.model_label, target, f"action:{slug}", changes)
            await session.flush()
        return result, len(objects)


def _link_parts(request: Request, name: str, identity: str) -> tuple[str, str] | None:
    """Return the text of route *name*'s URL before and after its ``pk``, once per request.

    The ``pk`` parameter of these routes takes any text (``{pk:path}``) and is written into
    the URL as it is, so the URL of every row is the same text with its identifier in place.
    None if the route does not keep the mark intact (then each row resolves its own URL).
    """
    cache = request.scope.setdefault(_LINKS_KEY, {})
    key = (name, identity)
    if key not in cache:
        url = str(request.url_for(name, identity=identity, pk=_PK_MARK))
        before, mark, after = url.partition(_PK_MARK)
        cache[key] = (before, after) if mark and _PK_MARK not in after else None
    parts: tuple[str, str] | None = cache[key]
    return parts


def _csv_cell(value: Any) -> str:
    """Return *value* for a CSV cell: a collection as its items' names, comma-separated."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _described(obj: Any) -> tuple[Any, str]:
    return get_object_identifier(obj), str(obj)


def _asks(admin: Any, permission: str, request: Request) -> bool:
    if permission == "add":
        return bool(admin.has_add_permission(request))
    return bool(getattr(admin, f"has_{permission}_permission")(request))


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
