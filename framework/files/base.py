"""``Storage``: where files live — the interface every backend implements, and its content.

Every backend stores under a checked relative name (:mod:`framework.files.names`) and never
replaces a file: :meth:`Storage.asave` creates the name only if it is absent, and when it is
taken stores under an alternative (``cat_x7k2m9q.png``) and returns the name it used. On
several hosts that guarantee comes from the store itself (``O_EXCL`` on a shared disk, a
conditional ``If-None-Match: *`` write on S3), not from a check before writing.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import IO, Any, TypeAlias

from framework.files.names import alternative_name, check_storage_name

__all__ = ["CHUNK_SIZE", "Content", "Storage", "StoredFile", "iter_content", "read_content"]

CHUNK_SIZE = 1024 * 1024
#: What ``asave`` accepts: bytes, text (UTF-8), a binary file object, an async iterable of
#: bytes, or anything with an async ``read(size)`` (an upload, a ``File``).
Content: TypeAlias = bytes | bytearray | memoryview | str | IO[bytes] | AsyncIterable[bytes] | Any
_ATTEMPTS = 100


async def iter_content(data: Content) -> AsyncIterator[bytes]:
    """Yield *data* in chunks of at most ``CHUNK_SIZE`` bytes, from its start."""
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
        return
    if isinstance(data, AsyncIterable):
        async for chunk in data:
            yield bytes(chunk)
        return
    reader = getattr(data, "read", None)
    if reader is None:
        raise TypeError(
            f"Cannot store {type(data).__name__}: give bytes, str, a binary file, an async "
            "iterable of bytes or an uploaded file."
        )
    seek = getattr(data, "seek", None)
    if seek is not None:
        result = seek(0)
        if hasattr(result, "__await__"):
            await result
    while True:
        chunk = reader(CHUNK_SIZE)
        if hasattr(chunk, "__await__"):
            chunk = await chunk
        if not chunk:
            return
        yield bytes(chunk)


async def read_content(data: Content) -> bytes:
    """Return all of *data* as bytes."""
    if isinstance(data, bytes):
        return data
    buffer = io.BytesIO()
    async for chunk in iter_content(data):
        buffer.write(chunk)
    return buffer.getvalue()


class StoredFile:
    """A stored file opened for reading: ``await file.read()``, or ``async for chunk in file``."""

    def __init__(self, name: str, size: int | None, chunks: AsyncIterator[bytes]) -> None:
        #: The stored name.
        self.name = name
        #: The size in bytes, when the store reports it.
        self.size = size
        self._chunks = chunks
        self._buffer = b""

    def __repr__(self) -> str:
        return f"<StoredFile {self.name!r} {self.size} bytes>"

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        if self._buffer:
            chunk, self._buffer = self._buffer, b""
            yield chunk
        async for chunk in self._chunks:
            yield chunk

    async def read(self, size: int = -1) -> bytes:
        """Return up to *size* bytes (everything left by default); ``b""`` at the end."""
        while size < 0 or len(self._buffer) < size:
            chunk = await anext(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


class Storage(ABC):
    """A place to keep files, addressed by relative names; async methods, never overwriting."""

    #: The alias in STORAGES this storage was made for ("" when made directly).
    alias: str = ""

    async def asave(self, name: str, data: Content) -> str:
        """Store *data* as *name* if that name is free, else under an alternative; return it.

        *name* is a relative path (``"avatars/ann.png"``); an unsafe one (``../x``, ``/x``,
        ``C:x``, NUL…) raises ``ValueError``. An existing file is never replaced.
        """
        check_storage_name(name)
        prepared = await self._prepare(data)
        candidate = name
        for _ in range(_ATTEMPTS):
            if await self._create(candidate, prepared):
                return candidate
            candidate = alternative_name(name)
        raise FileExistsError(f"Could not find a free name like {name!r} in {self!r}.")

    async def _prepare(self, data: Content) -> Any:
        """Return *data* in the form :meth:`_create` consumes (it may be tried twice)."""
        return data

    @abstractmethod
    async def _create(self, name: str, data: Any) -> bool:
        """Store *data* as *name* only if absent; return False when the name is taken."""

    async def aread(self, name: str) -> bytes:
        """Return the whole content of *name* (``FileNotFoundError`` when absent)."""
        async with self.aopen(name) as file:
            return await file.read()

    @abstractmethod
    def aopen(self, name: str) -> AbstractAsyncContextManager[StoredFile]:
        """Open *name* for reading: ``async with storage.aopen(name) as file``."""

    @abstractmethod
    async def aexists(self, name: str) -> bool:
        """Return whether a file is stored as *name*."""

    @abstractmethod
    async def adelete(self, name: str) -> None:
        """Delete *name*; a missing file is not an error."""

    @abstractmethod
    def url(self, name: str) -> str:
        """Return the URL a client fetches *name* from (signed when the files are private)."""
