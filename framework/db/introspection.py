"""``inspectdb``: reflect a database's tables into a models module to start from.

The module is written for reading and editing: one ``Model`` class per table with an
explicit ``__tablename__`` (so it maps the table as it is), typed ``Mapped[...]`` columns,
generic SQLAlchemy types (``String(200)``, not a dialect's ``VARCHAR``), foreign keys,
uniques and server defaults. A table without a primary key gets all its columns as the key,
with a comment, because the ORM needs one.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import types as sqltypes

__all__ = ["ReflectedTable", "reflect_tables", "render_models"]

#: Tables of the framework's own machinery, never models.
SKIPPED_TABLES = {"alembic_version"}

_PYTHON_TYPES = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    bytes: "bytes",
}


@dataclass
class ReflectedTable:
    """What the database says about one table."""

    name: str
    columns: list[dict[str, Any]]
    primary_key: list[str]
    foreign_keys: dict[str, str] = field(default_factory=dict)
    unique: set[str] = field(default_factory=set)


def reflect_tables(connection: Any, only: list[str] | None = None) -> list[ReflectedTable]:
    """Return the tables of a sync *connection* (those in *only*, if given), by name."""
    from framework.exceptions import CommandError

    inspector = sa_inspect(connection)
    names = sorted(set(inspector.get_table_names()) - SKIPPED_TABLES)
    if only:
        missing = [name for name in only if name not in names]
        if missing:
            raise CommandError(
                f"No table {missing[0]!r} in the database; tables: {', '.join(names) or 'none'}."
            )
        names = [name for name in names if name in only]
    return [_reflect(inspector, name) for name in names]


def _reflect(inspector: Any, name: str) -> ReflectedTable:
    table = ReflectedTable(
        name,
        inspector.get_columns(name),
        list(inspector.get_pk_constraint(name).get("constrained_columns") or []),
    )
    for key in inspector.get_foreign_keys(name):
        if len(key["constrained_columns"]) == 1:
            target = f"{key['referred_table']}.{key['referred_columns'][0]}"
            table.foreign_keys[key["constrained_columns"][0]] = target
    for constraint in inspector.get_unique_constraints(name):
        if len(constraint["column_names"]) == 1:
            table.unique.add(constraint["column_names"][0])
    for index in inspector.get_indexes(name):
        if index.get("unique") and len(index["column_names"]) == 1:
            table.unique.add(index["column_names"][0])
    return table


def render_models(tables: list[ReflectedTable], source: str) -> str:
    """Return the text of a models module mapping *tables* (reflected from *source*)."""
    imports: set[str] = set()
    python_imports: set[str] = set()
    classes = [_render_class(table, imports, python_imports) for table in tables]
    lines = [
        f'"""Models reflected from {source} by inspectdb: review names, types and relations."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if python_imports:
        lines += [*sorted(python_imports), ""]
    if imports:
        lines.append(f"from sqlalchemy import {', '.join(sorted(imports))}")
    lines += ["from sqlalchemy.orm import Mapped, mapped_column", ""]
    lines.append("from framework.db import CRUDMixin, Model")
    return "\n".join(lines) + "\n" + "".join(f"\n\n{block}" for block in classes)


def _render_class(table: ReflectedTable, imports: set[str], python: set[str]) -> str:
    keyless = not table.primary_key
    lines = [f"class {_class_name(table.name)}(CRUDMixin, Model):"]
    lines.append(f"    __tablename__ = {_string(table.name)}")
    if keyless:
        lines.append("    # The table has no primary key; the ORM needs one, so every column is")
        lines.append("    # part of it here. Mark the columns that identify a row instead.")
    lines.append("")
    for column in table.columns:
        primary = keyless or column["name"] in table.primary_key
        lines.append(_render_column(table, column, primary, imports, python))
    return "\n".join(lines) + "\n"


def _render_column(
    table: ReflectedTable,
    column: dict[str, Any],
    primary: bool,
    imports: set[str],
    python: set[str],
) -> str:
    name = column["name"]
    attribute = _attribute_name(name)
    arguments: list[str] = [_string(name)] if attribute != name else []
    foreign = table.foreign_keys.get(name)
    if foreign:
        imports.add("ForeignKey")
        arguments.append(f"ForeignKey({_string(foreign)})")
    type_text = _type_text(column["type"], imports)
    if type_text and not foreign:
        arguments.append(type_text)
    if primary:
        arguments.append("primary_key=True")
        if len(table.primary_key) > 1 or not table.primary_key:
            arguments.append("autoincrement=False")
    if name in table.unique and not primary:
        arguments.append("unique=True")
    if column.get("default") is not None and not primary:
        imports.add("text")
        arguments.append(f"server_default=text({_string(str(column['default']))})")
    annotation = _annotation(column["type"], python)
    if column.get("nullable", True) and not primary:
        annotation += " | None"
    return f"    {attribute}: Mapped[{annotation}] = mapped_column({', '.join(arguments)})"


def _type_text(kind: Any, imports: set[str]) -> str:
    """Return the generic type to write (none for plain ``Integer``/``Boolean``/``Float``)."""
    try:
        generic = kind.as_generic()
    except NotImplementedError:
        generic = sqltypes.NullType()
    if isinstance(generic, sqltypes.NullType):
        return ""
    if type(generic) in (sqltypes.Integer, sqltypes.Boolean, sqltypes.Float, sqltypes.Uuid):
        return ""
    if type(generic) is sqltypes.String and generic.length is None:
        imports.add("Text")
        return "Text"
    name = type(generic).__name__
    imports.add(name)
    shown = repr(generic)
    return shown if shown != f"{name}()" else name


def _annotation(kind: Any, python: set[str]) -> str:
    try:
        python_type = kind.python_type
    except NotImplementedError:
        python.add("from typing import Any")
        return "Any"
    if python_type in _PYTHON_TYPES:
        return _PYTHON_TYPES[python_type]
    module = python_type.__module__
    if module in ("datetime", "decimal", "uuid"):
        python.add(f"import {module}")
        return f"{module}.{python_type.__name__}"
    python.add("from typing import Any")
    return "Any"


#: Names a column attribute must not take: the model's own and its CRUD helpers'.
_RESERVED = {
    "metadata",
    "registry",
    "query",
    "filter",
    "filter_by",
    "get",
    "find",
    "all",
    "create",
    "save",
    "patch",
    "destroy",
}


def _string(value: str) -> str:
    """Return *value* as a double-quoted Python literal (the style of the project's code)."""
    return json.dumps(value, ensure_ascii=False)


def _class_name(table: str) -> str:
    words = [part for part in re.split(r"[^0-9A-Za-z]+", table) if part]
    name = "".join(word[:1].upper() + word[1:] for word in words) or "Table"
    return f"T{name}" if name[0].isdigit() else name


def _attribute_name(column: str) -> str:
    name = re.sub(r"\W", "_", column)
    if not name or name[0].isdigit():
        name = f"c_{name}"
    if keyword.iskeyword(name) or name in _RESERVED:
        name = f"{name}_"
    return name
