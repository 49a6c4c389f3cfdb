"""``FormDataIter``: read a large multipart form part by part, as it arrives.

::

    from framework.web import FormDataIter

    @post("/upload", max_body_size=2 * 1024**3)
    async def upload(request):
        async for name, value in FormDataIter(request, max_memory_size=64 * 1024):
            if isinstance(value, UploadFile):           # a file: spooled to disk past 64 KB
                await default_storage.asave(value.filename, value)
                await value.close()                     # gone before the next part arrives
            else:
                fields[name] = value                    # a text field

``request.form()`` reads the whole form before the handler sees any of it; ``FormDataIter``
hands over each part as soon as it is complete, so a handler can store or discard a file
while the next one is still on the wire (Microdot's ``FormDataIter``). A file part stays in
memory up to *max_memory_size* bytes, then continues in a temporary file on disk. The
route's body limit and the FORM_* limits (fields, files, size of a text part) apply as in
``request.form()`` (400 or 413 past them), and every temporary file is closed when the
iteration ends, however it ends. Parts arrive as they are sent when the request has a
``Content-Length`` (browsers send one with forms); a chunked body is read, within the limit,
before the handler runs, unless the route lifts the limit (``max_body_size=0``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from framework.web.exceptions import HTTPException, unsupported_media_type
from framework.web.requests import Request

__all__ = ["FormDataIter"]

#: What a file part keeps in memory before it moves to a temporary file.
DEFAULT_MAX_MEMORY_SIZE = 1024 * 1024


class _PartParser(MultiPartParser):
    """Starlette's multipart parser, handing over the parts completed after each chunk."""

    def __init__(self, request: Request, max_memory_size: int) -> None:
        limits = request.limits
        super().__init__(
            request.headers,
            request.stream(),
            max_files=limits.max_form_files or float("inf"),
            max_fields=limits.max_form_fields or float("inf"),
            max_part_size=limits.max_form_part_size or 2**62,
        )
        self.spool_max_size = max_memory_size

    async def parts(self) -> AsyncIterator[tuple[str, str | UploadFile]]:
        """Yield ``(name, value)`` for each part, as soon as the part is complete."""
        import python_multipart

        boundary = self._boundary()
        callbacks: Any = {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_end": self.on_end,
        }
        parser = python_multipart.MultipartParser(boundary, callbacks)
        async for chunk in self.stream:
            parser.write(chunk)
            for part, data in self._file_parts_to_write:
                if part.file is not None:  # only file parts are listed
                    await part.file.write(data)
            for part in self._file_parts_to_finish:
                if part.file is not None:
                    await part.file.seek(0)
            self._file_parts_to_write.clear()
            self._file_parts_to_finish.clear()
            ready, self.items = self.items, []
            for item in ready:
                yield item
        parser.finalize()

    def _boundary(self) -> bytes:
        from python_multipart.multipart import parse_options_header

        _, params = parse_options_header(self.headers.get("Content-Type", ""))
        self._charset = "utf-8"
        boundary = params.get(b"boundary")
        if not boundary:
            raise MultiPartException("Missing boundary in multipart.")
        return bytes(boundary)

    async def close_files(self) -> None:
        """Close every temporary file of the form (the handler may have closed some)."""
        for file in self._files_to_close_on_error:
            file.close()


class FormDataIter:
    """Iterate over ``(name, value)`` of a form, part by part (see the module docstring)."""

    def __init__(self, request: Request, *, max_memory_size: int = DEFAULT_MAX_MEMORY_SIZE):
        if max_memory_size < 0:
            raise ValueError(f"max_memory_size is a number of bytes; got {max_memory_size!r}.")
        self.request = request
        self.max_memory_size = max_memory_size

    def __aiter__(self) -> AsyncIterator[tuple[str, str | UploadFile]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[str, str | UploadFile]]:
        content_type = self.request.headers.get("content-type", "")
        media = content_type.partition(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = await self.request.form()  # small by nature: no files
            for item in form.multi_items():
                yield item
            return
        if media != "multipart/form-data":
            raise unsupported_media_type(
                f"Expected a form (multipart/form-data); got {content_type or 'none'!r}."
            )
        parser = _PartParser(self.request, self.max_memory_size)
        try:
            async for item in parser.parts():
                yield item
        except MultiPartException as exc:
            raise HTTPException(400, exc.message) from None
        finally:
            await parser.close_files()
