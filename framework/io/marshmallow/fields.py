"""``FileField`` for marshmallow schemas: an uploaded file, validated, as a ``File`` object.

::

    class UploadSchema(Schema):
        title = fields.String(required=True)
        image = FileField(max_size=5 * 1024 * 1024, allowed_extensions=["png", "jpg"])

Custom checks are methods that raise ``marshmallow.ValidationError``; list their names in
the ``file_validators`` class variable (every instance of the subclass), or append them to
``self.active_file_validators`` in ``__init__`` (one instance).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from marshmallow import fields

from framework.files.names import sanitize_filename as safe_filename
from framework.files.names import validate_filename as check_filename
from framework.io.files import File, as_upload, describe_limits, normalise_extensions

__all__ = ["FileField"]


class FileField(fields.Field[File]):
    """An uploaded file with an optional size limit and extension list."""

    default_error_messages = {
        "file": "Expected an uploaded file (a multipart/form-data part with a filename).",
        "too_large": "File is too large: {size} bytes; the limit is {max_size} bytes.",
        "extension": "File has {shown}; allowed: {allowed}.",
        "filename": "{problem}",
    }
    #: Names of the methods that check a file, in order; each raises ``ValidationError``.
    file_validators: ClassVar[list[str]] = ["validate_size", "validate_extension"]

    def __init__(
        self,
        *,
        max_size: int | None = None,
        allowed_extensions: Collection[str] | None = None,
        storage: str | None = None,
        sanitize_filename: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        #: The STORAGES alias ``await file.asave()`` uses (None: ``"default"``).
        self.storage = storage
        #: Replace the client's filename by a safe one before the validators run.
        self.sanitize_filename = sanitize_filename
        #: Largest accepted size in bytes; None accepts any size.
        self.max_size = max_size
        #: Accepted extensions without dots; None accepts any.
        self.allowed_extensions = normalise_extensions(allowed_extensions)
        #: The validators this instance runs (a copy of ``file_validators``).
        self.active_file_validators = list(type(self).file_validators)
        for name in self.active_file_validators:
            if not callable(getattr(self, name, None)):
                raise TypeError(
                    f"{type(self).__name__}.file_validators names {name!r}, but the field has "
                    f"no such method; add 'def {name}(self, file): ...'."
                )

    @property
    def description(self) -> str:
        """Return the limits in words, for the API documentation."""
        return describe_limits(self.max_size, self.allowed_extensions)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> File:
        upload = as_upload(value)
        if upload is None:
            raise self.make_error("file")
        file = File(upload, storage=self.storage)
        if self.sanitize_filename:
            file.filename = safe_filename(file.filename)
        for name in self.active_file_validators:
            getattr(self, name)(file)
        return file

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, File):
            return value.saved_as or value.filename
        return value

    def validate_size(self, file: File) -> None:
        """Refuse a file larger than ``max_size``."""
        if self.max_size is not None and file.size > self.max_size:
            raise self.make_error("too_large", size=file.size, max_size=self.max_size)

    def validate_filename(self, file: File) -> None:
        """Refuse a filename that is not a safe single name (``framework.files``' rule)."""
        try:
            check_filename(file.filename)
        except ValueError as exc:
            raise self.make_error("filename", problem=str(exc)) from None

    def validate_extension(self, file: File) -> None:
        """Refuse a file whose extension is not in ``allowed_extensions``."""
        allowed = self.allowed_extensions
        if allowed is None or file.extension in allowed:
            return
        shown = f"extension {file.extension!r}" if file.extension else "no extension"
        raise self.make_error("extension", shown=shown, allowed=", ".join(sorted(allowed)))
