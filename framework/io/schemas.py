"""Schema adapters: one interface over pydantic models and marshmallow schemas.

A :class:`SchemaAdapter` validates and serialises with one schema; each library has its own
subclass (``framework.io.pydantic``, ``framework.io.marshmallow``), and
:func:`~framework.io.adapters.adapter_for` picks it. Documentation asks an adapter for its
:class:`JSONSchemaRenderer`, which renders every schema of that library in a document at once,
so other layers never need to know which libraries exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

__all__ = [
    "ComponentRegistry",
    "FieldSpec",
    "JSONSchemaMode",
    "JSONSchemaRenderer",
    "SchemaAdapter",
]

#: ``validation`` describes what clients send, ``serialization`` what they receive.
JSONSchemaMode = Literal["validation", "serialization"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A top-level field as a request location sees it."""

    #: Key under which the schema expects the value (alias or ``data_key``, else the name).
    key: str
    #: Whether the field takes several values (``?tag=a&tag=b``): a list, set or tuple.
    multiple: bool
    #: Whether the field must be present.
    required: bool
    #: Whether the field is an uploaded file.
    is_file: bool = False


class SchemaAdapter:
    """Validate and serialise with one schema; subclasses wrap one library each."""

    #: The library's name, for messages (``"pydantic"``, ``"marshmallow"``).
    library: ClassVar[str] = ""

    def __init__(self, schema: Any, many: bool = False) -> None:
        #: The schema as the user gave it (a class, an instance or a type).
        self.schema = schema
        #: Whether the body is a list of *schema* items.
        self.many = many

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}{' many' if self.many else ''}>"

    @property
    def name(self) -> str:
        """Return a readable name of the schema, for messages and documentation."""
        schema = self.schema
        target = schema if isinstance(schema, type) else type(schema)
        return getattr(target, "__name__", None) or repr(schema)

    def prepare(self) -> None:
        """Build what validation needs (called when the app is built; forward refs resolved)."""

    def check_json_body(self) -> None:
        """Refuse, when ``@input`` runs, a schema a JSON body would not validate as declared."""

    def load_json(self, body: bytes) -> Any:
        """Parse and validate a JSON *body*; raise a 400 or 422 ``HTTPException``."""
        raise NotImplementedError

    def load(self, data: Any, where: str, *, exclude_unknown: bool = False) -> Any:
        """Validate *data* read from location *where* (``"query"``, ``"body"``…).

        *exclude_unknown* drops keys the schema does not declare instead of applying its
        rule for unknown fields: queries, headers and cookies carry unrelated data.
        """
        raise NotImplementedError

    def dump(self, value: Any, many: bool) -> Any:
        """Return *value* serialised to JSON-compatible Python data."""
        raise NotImplementedError

    def dump_json(self, value: Any, many: bool) -> bytes:
        """Return *value* serialised to JSON bytes."""
        raise NotImplementedError

    def fields(self) -> list[FieldSpec]:
        """Return the top-level fields, for reading queries, headers, cookies and forms."""
        raise NotImplementedError

    def has_files(self) -> bool:
        """Return whether a top-level field is an uploaded file."""
        return any(field.is_file for field in self.fields())

    def json_schema_renderer(self) -> JSONSchemaRenderer:
        """Return what renders this library's schemas as JSON Schema (for documentation).

        Every adapter of one library returns the same renderer, so a document renders all
        of that library's schemas in one call.
        """
        raise NotImplementedError


class ComponentRegistry(Protocol):
    """The named schemas of a document (OpenAPI's ``components.schemas``)."""

    @property
    def components(self) -> dict[str, dict[str, Any]]:
        """Return the named schemas, by name, in the order they were added."""
        ...

    def add_component(self, name: str, schema: dict[str, Any]) -> str:
        """Add *schema* under *name*, or a free variant of it; return the name used."""
        ...


class JSONSchemaRenderer(Protocol):
    """Render the schemas of one library as JSON Schema, all of a document's at once.

    Rendering them together lets a library name its components consistently (pydantic's
    ``Item-Input``/``Item-Output``) and share definitions between schemas.
    """

    #: Whether the library chooses its component names itself; such renderers run first
    #: and the others take names that are still free.
    names_components: bool

    def render(
        self,
        wanted: Sequence[tuple[SchemaAdapter, JSONSchemaMode]],
        registry: ComponentRegistry,
    ) -> list[dict[str, Any]]:
        """Return the JSON Schema of each ``(adapter, mode)`` of *wanted*, in order.

        A result is usually a ``$ref`` to a component the renderer added to *registry*.
        """
        ...
