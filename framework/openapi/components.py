"""The ``components.schemas`` of a document: pydantic models and marshmallow schemas together.

Generation has two passes. First every schema a route uses is *added* with its mode
(``validation`` for what clients send, ``serialization`` for what they receive); then
:meth:`SchemaRegistry.finish` turns them into components at once: each adapter names its
:class:`~framework.io.schemas.JSONSchemaRenderer`, and every renderer renders all of its
schemas in one call. Renderers whose library names components itself (pydantic: ``Item``,
or ``Item-Input`` and ``Item-Output`` when the two modes differ) go first; the others
(marshmallow) follow the same naming rule with names that never collide. The second pass
asks for a reference with :meth:`SchemaRegistry.ref` or for the object itself with
:meth:`SchemaRegistry.resolve`.
"""

from __future__ import annotations

from typing import Any

from framework.io.schemas import JSONSchemaMode, JSONSchemaRenderer, SchemaAdapter

__all__ = ["REF_PREFIX", "Mode", "SchemaRegistry"]

Mode = JSONSchemaMode
REF_PREFIX = "#/components/schemas/"


def _key(adapter: SchemaAdapter) -> Any:
    schema = adapter.schema
    try:
        hash(schema)
    except TypeError:
        return id(schema)
    return schema


class SchemaRegistry:
    """Collect the schemas of a document, then name and render them as components."""

    def __init__(self) -> None:
        #: Component name → JSON Schema, in the order they were named.
        self.components: dict[str, dict[str, Any]] = {}
        self._wanted: dict[tuple[Any, Mode], SchemaAdapter] = {}
        self._schemas: dict[tuple[Any, Mode], dict[str, Any]] = {}
        self._finished = False

    def add(self, adapter: SchemaAdapter, mode: Mode) -> None:
        """Include *adapter*'s schema in *mode* (first pass)."""
        if self._finished:
            raise RuntimeError("SchemaRegistry.add() after finish(): add every schema first.")
        self._wanted.setdefault((_key(adapter), mode), adapter)

    def add_component(self, name: str, schema: dict[str, Any]) -> str:
        """Add a hand-written component under *name* (or a free variant); return the name."""
        unique = self.unique_name(name)
        self.components[unique] = schema
        return unique

    def unique_name(self, name: str) -> str:
        """Return *name*, or *name* with a number when a component already has it."""
        candidate, number = name, 2
        while candidate in self.components:
            candidate, number = f"{name}{number}", number + 1
        return candidate

    def finish(self) -> None:
        """Render every added schema into ``components``, one renderer at a time."""
        groups: dict[int, tuple[JSONSchemaRenderer, list[tuple[Any, Mode]]]] = {}
        for key, adapter in self._wanted.items():
            renderer = adapter.json_schema_renderer()
            groups.setdefault(id(renderer), (renderer, []))[1].append(key)
        # Libraries that name their components render first; the others take free names.
        for renderer, keys in sorted(groups.values(), key=lambda g: not g[0].names_components):
            wanted = [(self._wanted[key], key[1]) for key in keys]
            for key, schema in zip(keys, renderer.render(wanted, self), strict=True):
                self._schemas[key] = schema
        self._finished = True

    def ref(self, adapter: SchemaAdapter, mode: Mode) -> dict[str, Any]:
        """Return the schema of one item of *adapter* (usually a ``$ref``), after finish()."""
        try:
            return dict(self._schemas[(_key(adapter), mode)])
        except KeyError:
            raise LookupError(
                f"{adapter.name} ({mode}) was not added to the registry before finish()."
            ) from None

    def resolve(self, adapter: SchemaAdapter, mode: Mode) -> dict[str, Any]:
        """Return the object schema of *adapter* itself (``$ref`` followed), after finish()."""
        return self.follow(self.ref(adapter, mode))

    def follow(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Return *schema*, or the component its ``$ref`` points to."""
        seen = 0
        while "$ref" in schema and seen < 32:
            name = str(schema["$ref"]).removeprefix(REF_PREFIX)
            schema = self.components.get(name, {})
            seen += 1
        return schema
