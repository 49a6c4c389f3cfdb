"""``FileField`` for pydantic models: an uploaded file, validated, as a ``File`` object.

Subclass it to set limits and add checks; use the subclass as a field's type::

    class Image(FileField):
        max_size = 5 * 1024 * 1024
        allowed_extensions = {"png", "jpg", "jpeg"}
        file_validators = [*FileField.file_validators, "validate_is_image"]

        @classmethod
        def validate_is_image(cls, file):
            if not file.content_type.startswith("image/"):
                raise ValueError("The file is not an image.")

    class Upload(BaseModel):
        title: str
        image: Image

The validated value is an instance of the subclass (a :class:`~framework.io.File`), so
``await data.image.asave("covers")`` type-checks. The OpenAPI document shows it as a
binary string.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from framework.files.names import sanitize_filename as safe_filename
from framework.files.names import validate_filename as check_filename
from framework.io.files import File, as_upload, describe_limits, normalise_extensions

__all__ = ["FileField"]


class FileField(File):
    """An uploaded file with limits; subclass it and set the class variables."""

    #: Largest accepted size in bytes; None accepts any size (the body limit still applies).
    max_size: ClassVar[int | None] = None
    #: Accepted extensions, without dots (``{"png", "jpg"}``); None accepts any.
    allowed_extensions: ClassVar[Collection[str] | None] = None
    #: The STORAGES alias ``await file.asave()`` uses (None: ``"default"``).
    storage: ClassVar[str | None] = None
    #: Replace the client's filename by a safe one (``framework.files.sanitize_filename``)
    #: before the validators run; add ``"validate_filename"`` to refuse unsafe ones instead.
    sanitize_filename: ClassVar[bool] = False
    #: Names of the classmethods that check a file, in order; each raises ``ValueError``.
    file_validators: ClassVar[list[str]] = ["validate_size", "validate_extension"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.allowed_extensions = normalise_extensions(cls.allowed_extensions)
        for name in cls.file_validators:
            if not callable(getattr(cls, name, None)):
                raise TypeError(
                    f"{cls.__name__}.file_validators names {name!r}, but {cls.__name__} has "
                    f"no such method; add '@classmethod def {name}(cls, file): ...'."
                )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.validate_upload,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        result: dict[str, Any] = {"type": "string", "format": "binary"}
        limits = describe_limits(cls.max_size, cls.allowed_extensions)
        if limits:
            result["description"] = f"A file ({limits})."
        return result

    @classmethod
    def validate_upload(cls, value: Any) -> FileField:
        """Return *value* (an upload) as an instance of this class, after every validator."""
        if isinstance(value, cls):
            return value
        upload = as_upload(value)
        if upload is None:
            raise PydanticCustomError(
                "file_type",
                "Expected an uploaded file (a multipart/form-data part with a filename)",
            )
        file = cls(upload, storage=cls.storage)
        if cls.sanitize_filename:
            file.filename = safe_filename(file.filename)
        for name in cls.file_validators:
            getattr(cls, name)(file)
        return file

    @classmethod
    def validate_size(cls, file: File) -> None:
        """Refuse a file larger than ``max_size``."""
        if cls.max_size is not None and file.size > cls.max_size:
            raise PydanticCustomError(
                "file_too_large",
                f"File is too large: {file.size} bytes; the limit is {cls.max_size} bytes",
            )

    @classmethod
    def validate_filename(cls, file: File) -> None:
        """Refuse a filename that is not a safe single name (``framework.files``' rule)."""
        try:
            check_filename(file.filename)
        except ValueError as exc:
            raise PydanticCustomError("file_name", str(exc)) from None

    @classmethod
    def validate_extension(cls, file: File) -> None:
        """Refuse a file whose extension is not in ``allowed_extensions``."""
        allowed = cls.allowed_extensions
        if allowed is None or file.extension in allowed:
            return
        shown = f"extension {file.extension!r}" if file.extension else "no extension"
        raise PydanticCustomError(
            "file_extension",
            f"File has {shown}; allowed: {', '.join(sorted(allowed))}",
        )


def _serialize(value: Any) -> Any:
    if isinstance(value, File):
        return value.saved_as or value.filename
    return value
