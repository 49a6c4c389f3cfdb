"""The pydantic adapter: JSON validated from raw bytes, output serialised by pydantic-core.

Everything is decided when the app is built: the ``TypeAdapter`` objects (one for an item,
one for a list), and the top-level fields that locations need. A JSON body goes straight
from bytes to a model (``validate_json``: one pass, no ``json.loads``); a response goes
from object to bytes (``to_json``). ORM objects are read by attribute (``from_attributes``).
"""

from __future__ import annotations

import collections.abc
import contextlib
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Strict, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError, PydanticUndefinedAnnotation

from framework.io.errors import (
    ErrorItem,
    ResponseValidationError,
    error_item,
    malformed_json,
    validation_failed,
)
from framework.io.files import File
from framework.io.schemas import (
    ComponentRegistry,
    FieldSpec,
    JSONSchemaMode,
    JSONSchemaRenderer,
    SchemaAdapter,
)
from framework.web.requests import decode_json

__all__ = ["PydanticAdapter", "PydanticJSONSchema", "pydantic_errors"]

#: Where pydantic's ``$ref`` point: the components of an OpenAPI document.
REF_TEMPLATE = "#/components/schemas/{model}"

_MULTIPLE = (list, set, frozenset, tuple, collections.abc.Sequence, collections.abc.Set)
_PREFIXES = ("Value error, ", "Assertion failed, ")


def pydantic_errors(exc: ValidationError, where: str) -> list[ErrorItem]:
    """Return the errors of *exc* in the common format, located under *where*."""
    items = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        message = error["msg"]
        for prefix in _PREFIXES:
            if message.startswith(prefix):
                message = message[len(prefix) :]
        items.append(error_item([where, *error["loc"]], message, error["type"]))
    return items


def _arms(annotation: Any) -> list[Any]:
    """Return the types an annotation may hold (``Annotated`` and unions unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _arms(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [arm for arg in typing.get_args(annotation) for arm in _arms(arg)]
    return [annotation]


def _is_file_type(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, File)


def _describe(annotation: Any) -> tuple[bool, bool]:
    """Return ``(multiple, is_file)`` for a field annotation."""
    multiple = is_file = False
    for arm in _arms(annotation):
        origin = typing.get_origin(arm)
        if isinstance(origin, type) and issubclass(origin, _MULTIPLE) and origin is not str:
            multiple = True
            is_file = is_file or any(_is_file_type(item) for item in typing.get_args(arm))
        elif isinstance(arm, type) and issubclass(arm, list | set | frozenset | tuple):
            multiple = True
        is_file = is_file or _is_file_type(arm)
    return multiple, is_file


class PydanticAdapter(SchemaAdapter):
    """Validate and serialise with a pydantic model or any type pydantic understands."""

    library = "pydantic"

    def __init__(self, schema: Any, many: bool = False) -> None:
        super().__init__(schema, many)
        self._item: TypeAdapter[Any] | None = None
        self._list: TypeAdapter[Any] | None = None
        self._json_strict: bool | None = True
        # A forward reference defined later: prepared again when the app is built.
        with contextlib.suppress(PydanticUndefinedAnnotation):
            self.prepare()

    def prepare(self) -> None:
        """Build the type adapters (for an item and a list of items) once."""
        if self._item is not None:
            return
        model = self.schema
        if isinstance(model, type) and issubclass(model, BaseModel):
            model.model_rebuild()  # no-op when complete; resolves late forward references
        try:
            self._item = TypeAdapter(model)
            # list[model], built at run time: no static type form describes it.
            list_type: Any = types.GenericAlias(list, (model,))
            self._list = TypeAdapter(list_type)
        except PydanticSchemaGenerationError as exc:
            raise TypeError(
                f"{model!r} is not a schema pydantic understands; pass a pydantic model "
                "(class Item(BaseModel)), a dataclass or a marshmallow schema."
            ) from exc
        validator = (self._list if self.many else self._item).validator
        self._validate_json = validator.validate_json
        self._validate_python = validator.validate_python
        self._json_strict = None if "strict" in self._config() else True

    def _config(self) -> Mapping[str, Any]:
        """Return the schema's pydantic config (a model's, a dataclass's…), empty if none."""
        model = self.model
        if model is not None:
            return model.model_config
        return getattr(self.schema, "__pydantic_config__", None) or {}

    def check_json_body(self) -> None:
        """Refuse a field's own ``strict=False`` that strict JSON validation would override."""
        model = self.model
        if model is None or "strict" in self._config():
            return
        for name, info in model.model_fields.items():
            if any(isinstance(item, Strict) and not item.strict for item in info.metadata):
                raise TypeError(
                    f"{model.__name__}.{name} declares strict=False, but JSON bodies are "
                    "validated strictly unless the schema says otherwise: give "
                    f"{model.__name__} model_config = ConfigDict(strict=False) (and "
                    "strict=True on the fields that must stay strict)."
                )

    @property
    def model(self) -> type[BaseModel] | None:
        """Return the schema if it is a ``BaseModel`` subclass, else None."""
        schema = self.schema
        return schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None

    @property
    def item_adapter(self) -> TypeAdapter[Any]:
        """Return the ``TypeAdapter`` of one item (the OpenAPI generator documents it)."""
        self.prepare()
        assert self._item is not None
        return self._item

    # -- input --------------------------------------------------------------------------------

    def load_json(self, body: bytes) -> Any:
        """Validate the JSON *body* in one pass; 400 if it is not JSON, 422 if invalid."""
        if b"NaN" in body or b"Infinity" in body:
            # pydantic's parser takes NaN and Infinity; the standard one says where they are
            # (and lets the words pass inside strings).
            decode_json(body)
        try:
            # Strict unless the schema states its strictness: the JSON types must be the ones
            # the document publishes ("3" and false are not integers).
            return self._validate_json(body, strict=self._json_strict)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            if first["type"] == "json_invalid":
                reason = str(first.get("ctx", {}).get("error", first["msg"]))
                raise malformed_json(body, reason) from None
            raise validation_failed(pydantic_errors(exc, "body")) from None

    def load(self, data: Any, where: str, *, exclude_unknown: bool = False) -> Any:
        """Validate *data* (strings from a query, form or headers are converted, lax mode)."""
        try:
            return self._validate_python(data)
        except ValidationError as exc:
            raise validation_failed(pydantic_errors(exc, where)) from None

    def fields(self) -> list[FieldSpec]:
        """Return the model's fields by the key validation expects (its alias, if any)."""
        model = self.model
        if model is None:
            raise TypeError(
                f"{self.name} has no fields to read from a query, headers, cookies or a form; "
                "use a pydantic model (class Params(BaseModel)) there."
            )
        specs = []
        for name, info in model.model_fields.items():
            alias = info.validation_alias if isinstance(info.validation_alias, str) else None
            key = alias or (info.alias if isinstance(info.alias, str) else None) or name
            multiple, is_file = _describe(info.annotation)
            specs.append(FieldSpec(key, multiple, info.is_required(), is_file))
        return specs

    # -- output -------------------------------------------------------------------------------

    def _validated(self, value: Any, many: bool) -> tuple[Any, TypeAdapter[Any]]:
        self.prepare()
        adapter = self._list if many else self._item
        assert adapter is not None
        if not many and type(value) is self.schema:
            return value, adapter
        try:
            # A handler returns model objects (attribute names) or dicts by either key.
            validated = adapter.validator.validate_python(
                value, from_attributes=True, by_alias=True, by_name=True
            )
            return validated, adapter
        except ValidationError as exc:
            errors = pydantic_errors(exc, "response")
            raise ResponseValidationError(self.name, many, errors) from exc

    def dump(self, value: Any, many: bool) -> Any:
        """Return *value* as JSON-compatible data, keyed by alias as the document says."""
        validated, adapter = self._validated(value, many)
        return adapter.serializer.to_python(validated, mode="json", by_alias=True)

    def dump_json(self, value: Any, many: bool) -> bytes:
        """Return *value* as JSON bytes, keyed by alias as the document says."""
        validated, adapter = self._validated(value, many)
        return adapter.serializer.to_json(validated, by_alias=True)

    # -- documentation ------------------------------------------------------------------------

    def json_schema_renderer(self) -> JSONSchemaRenderer:
        """Return the renderer of pydantic types (``TypeAdapter.json_schemas``)."""
        return _JSON_SCHEMA


class PydanticJSONSchema:
    """Render a document's pydantic types in one ``TypeAdapter.json_schemas`` call.

    pydantic names the components: ``Item``, or ``Item-Input`` and ``Item-Output`` when the
    two modes of a model differ.
    """

    names_components = True

    def render(
        self, wanted: Sequence[tuple[SchemaAdapter, JSONSchemaMode]], registry: ComponentRegistry
    ) -> list[dict[str, Any]]:
        """Return the JSON Schema of each ``(adapter, mode)``; put the models in *registry*."""
        inputs = []
        for index, (adapter, mode) in enumerate(wanted):
            if not isinstance(adapter, PydanticAdapter):
                raise TypeError(f"{adapter!r} is not a pydantic adapter.")
            inputs.append((index, mode, adapter.item_adapter))
        schemas, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF_TEMPLATE)
        for name, schema in definitions.get("$defs", {}).items():
            registry.components[name] = schema
        return [dict(schemas[(index, mode)]) for index, (_, mode) in enumerate(wanted)]


_JSON_SCHEMA = PydanticJSONSchema()
