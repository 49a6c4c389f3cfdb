"""Fixtures: the rows of models as JSON, dumped and loaded (``dumpdata``/``loaddata``).

The format is Django's, keyed by model: ``{"model": "blog.Post", "pk": 1, "fields": {...}}``;
a table no model maps (an association table) is written ``{"table": "blog_post_tags",
"fields": {...}}``. Values go through the column types (dates as ISO 8601, decimals as text,
bytes as base64), so a dump loads back unchanged on SQLite and PostgreSQL alike.

Loading is all or nothing: the whole fixture is read and converted before the first write,
rows are written parents first (foreign keys in order) in one transaction per database, an
existing primary key is updated rather than duplicated, and any error rolls everything back.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, and_, func, select, text
from sqlalchemy import types as sqltypes

from framework.exceptions import CommandError

__all__ = [
    "FixtureError",
    "Record",
    "Target",
    "dump",
    "find_fixtures",
    "flush",
    "load",
    "read_fixture",
    "targets",
]


class FixtureError(CommandError):
    """A fixture cannot be loaded; the message names the file, the object and the problem."""


@dataclass(frozen=True)
class Target:
    """A table that fixtures hold: its name in fixtures, its table, database and model."""

    name: str
    table: Table
    alias: str
    is_model: bool


@dataclass(frozen=True)
class Record:
    """One row read from a fixture, its values converted for its table."""

    target: Target
    values: dict[str, Any]
    origin: str


def targets(selectors: Iterable[str] = ()) -> list[Target]:
    """Return the tables named by *selectors* (``app`` or ``app.Model``; all when empty).

    They come parents first, in the order of the tables' foreign keys.
    """
    available = _all_targets()
    chosen: list[Target] = []
    for selector in selectors:
        chosen.extend(_select(available, selector))
    wanted = chosen or available
    order = {table: index for index, table in enumerate(_metadata().sorted_tables)}
    unique = {target.name: target for target in wanted}
    return sorted(unique.values(), key=lambda target: order.get(target.table, 0))


def _metadata() -> Any:
    from framework.db.models import metadata

    return metadata


def _all_targets() -> list[Target]:
    """Return every model table of the installed apps, then the plain tables they own."""
    from framework.apps import apps
    from framework.db.models import Model, database_alias

    labels = [config.label for config in apps.get_app_configs()]
    models = sorted(
        (mapper.class_ for mapper in Model.registry.mappers),
        key=lambda model: model.__definition_order__,
    )
    found: list[Target] = []
    mapped: set[str] = set()
    for label in labels:
        for model in models:
            table = getattr(model, "__table__", None)
            if model.__app_label__ != label or table is None or table.name in mapped:
                continue  # a single-table subclass: its base holds the rows
            mapped.add(table.name)
            found.append(Target(f"{label}.{model.__name__}", table, database_alias(model), True))
    for table in _metadata().sorted_tables:
        owner = table.info.get("app_label") or max(
            (label for label in labels if table.name.startswith(f"{label}_")), key=len, default=None
        )
        if table.name not in mapped and owner in labels:
            found.append(Target(table.name, table, apps.get_app_config(owner).database, False))
    return found


def _select(available: list[Target], selector: str) -> list[Target]:
    import difflib

    from framework.apps import apps

    label, dot, model = selector.partition(".")
    try:
        apps.get_app_config(label)
    except LookupError as exc:
        raise CommandError(str(exc)) from None
    in_app = [
        t for t in available if t.name.partition(".")[0] == label or t.name.startswith(f"{label}_")
    ]
    if not dot:
        return in_app
    matched = [t for t in in_app if t.name.lower() == selector.lower()]
    if not matched:
        names = [t.name for t in in_app if t.is_model]
        close = difflib.get_close_matches(selector, names, n=1)
        hint = (
            f" Did you mean {close[0]!r}?"
            if close
            else f" Models of {label!r}: {', '.join(names) or 'none'}."
        )
        raise CommandError(f"App {label!r} has no model {model!r}.{hint}")
    return matched


# -- dumping ------------------------------------------------------------------------------


async def dump(chosen: list[Target]) -> list[dict[str, Any]]:
    """Return the rows of *chosen* as fixture objects, each table ordered by primary key."""
    from framework.db import engines

    objects: list[dict[str, Any]] = []
    for target in chosen:
        table = target.table
        async with engines.get(target.alias).connect() as connection:
            rows = (await connection.execute(select(table).order_by(*_order(table)))).mappings()
            for row in rows:
                objects.append(_as_object(target, dict(row)))
    return objects


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def _as_object(target: Target, row: dict[str, Any]) -> dict[str, Any]:
    fields = {name: _to_json(target.table.c[name], value) for name, value in row.items()}
    if not target.is_model:
        return {"table": target.name, "fields": fields}
    pk_columns = list(target.table.primary_key.columns)
    if len(pk_columns) == 1:
        pk = fields.pop(pk_columns[0].name)
        return {"model": target.name, "pk": pk, "fields": fields}
    return {"model": target.name, "fields": fields}


def _to_json(column: Column[Any], value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (dict, list)):
        return value
    return str(value)


# -- reading ------------------------------------------------------------------------------


def find_fixtures(name: str) -> list[Path]:
    """Return the files *name* means: a path, or ``<app>/fixtures/<name>[.json]`` of any app."""
    from framework.apps import apps

    given = Path(name)
    if given.is_file():
        return [given]
    candidates = [name] if name.endswith(".json") else [f"{name}.json", name]
    found: list[Path] = []
    searched: list[str] = []
    for config in apps.get_app_configs():
        folder = config.path / "fixtures"
        searched.append(str(folder))
        for candidate in candidates:
            path = folder / candidate
            if path.is_file():
                found.append(path)
                break
    if not found:
        raise FixtureError(
            f"No fixture named {name!r}: not a file, and not in any app's fixtures/ folder "
            f"({', '.join(searched) or 'no apps installed'})."
        )
    return found


def read_fixture(path: Path) -> list[Record]:
    """Read and convert every object of *path*; raise ``FixtureError`` on the first problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"Cannot read fixture {path}: {exc}.") from None
    except json.JSONDecodeError as exc:
        raise FixtureError(f"Fixture {path} is not valid JSON: {exc}.") from None
    if not isinstance(data, list):
        raise FixtureError(f"Fixture {path} must hold a JSON list of objects.")
    available = {target.name.lower(): target for target in _all_targets()}
    return [_record(path, index, item, available) for index, item in enumerate(data)]


def _record(path: Path, index: int, item: Any, available: dict[str, Target]) -> Record:
    origin = f"{path}, object {index}"
    if not isinstance(item, dict) or not isinstance(item.get("fields", {}), dict):
        raise FixtureError(f"{origin}: expected {{'model': ..., 'pk': ..., 'fields': {{...}}}}.")
    name = item.get("model") or item.get("table")
    target = available.get(str(name).lower()) if isinstance(name, str) else None
    if target is None:
        raise FixtureError(f"{origin}: unknown model {name!r} (expected 'app_label.Model').")
    values = dict(item.get("fields", {}))
    if "pk" in item:
        pk_columns = list(target.table.primary_key.columns)
        if len(pk_columns) != 1:
            raise FixtureError(f"{origin}: {target.name} has a composite key; give it in fields.")
        values[pk_columns[0].name] = item["pk"]
    converted: dict[str, Any] = {}
    for key, value in values.items():
        if key not in target.table.c:
            known = ", ".join(target.table.c.keys())
            raise FixtureError(f"{origin}: {target.name} has no field {key!r} (fields: {known}).")
        try:
            converted[key] = _from_json(target.table.c[key], value)
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise FixtureError(f"{origin}: field {key!r} = {value!r}: {exc}.") from None
    return Record(target, converted, origin)


def _from_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sqltypes.DateTime):
        return datetime.datetime.fromisoformat(str(value))
    if isinstance(kind, sqltypes.Date):
        return datetime.date.fromisoformat(str(value))
    if isinstance(kind, sqltypes.Time):
        return datetime.time.fromisoformat(str(value))
    if isinstance(kind, sqltypes.Numeric) and getattr(kind, "asdecimal", False):
        return decimal.Decimal(str(value))
    if isinstance(kind, sqltypes.LargeBinary):
        return base64.b64decode(str(value), validate=True)
    if isinstance(kind, sqltypes.Uuid) and getattr(kind, "as_uuid", False):
        return uuid.UUID(str(value))
    return value


# -- loading ------------------------------------------------------------------------------


async def load(records: list[Record]) -> int:
    """Write *records*, parents first, in one transaction per database; return how many."""
    from framework.db import engines

    order = {table: index for index, table in enumerate(_metadata().sorted_tables)}
    ranked = sorted(
        enumerate(records), key=lambda pair: (order.get(pair[1].target.table, 0), pair[0])
    )
    by_alias: dict[str, list[Record]] = {}
    for _, record in ranked:
        by_alias.setdefault(record.target.alias, []).append(record)
    for alias, batch in by_alias.items():
        engine = engines.get(alias)
        async with engine.begin() as connection:
            for record in batch:
                try:
                    await _upsert(connection, record)
                except Exception as exc:
                    raise FixtureError(
                        f"{record.origin}: {type(exc).__name__}: {_first_line(exc)}; "
                        "nothing was loaded."
                    ) from exc
            if engine.dialect.name == "postgresql":
                await _reset_sequences(connection, {record.target.table for record in batch})
    return len(records)


async def _upsert(connection: Any, record: Record) -> None:
    table = record.target.table
    keys = [column.name for column in table.primary_key.columns]
    if keys and all(key in record.values for key in keys):
        match = and_(*(table.c[key] == record.values[key] for key in keys))
        found = await connection.execute(select(func.count()).select_from(table).where(match))
        if found.scalar_one():
            await connection.execute(table.update().where(match).values(record.values))
            return
    await connection.execute(table.insert().values(record.values))


async def _reset_sequences(connection: Any, tables: set[Table]) -> None:
    """Move each serial key's sequence past the loaded rows, so new rows get free ids."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sqltypes.Integer):
            continue
        quote = connection.dialect.identifier_preparer.quote
        column, name = quote(keys[0].name), quote(table.name)
        sequence = "pg_get_serial_sequence(:table, :column)"
        await connection.execute(
            text(
                f"SELECT setval({sequence}, COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL)"
                f" FROM {name} WHERE {sequence} IS NOT NULL"
            ),
            {"table": table.name, "column": keys[0].name},
        )


async def flush(chosen: list[Target]) -> dict[str, int]:
    """Delete every row of *chosen*, children first, in one transaction per database.

    The migration history is kept (it is not a model table), so the schema stays as it is.
    Returns the number of rows deleted per table.
    """
    from framework.db import engines

    deleted: dict[str, int] = {}
    by_alias: dict[str, list[Target]] = {}
    for target in reversed(chosen):
        by_alias.setdefault(target.alias, []).append(target)
    for alias, batch in by_alias.items():
        async with engines.get(alias).begin() as connection:
            for target in batch:
                result = await connection.execute(target.table.delete())
                deleted[target.name] = result.rowcount
    return deleted


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
