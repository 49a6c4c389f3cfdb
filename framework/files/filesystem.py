"""The ``filesystem`` storage: files in a folder (``MEDIA_ROOT``), served at ``MEDIA_URL``.

Names are created with ``O_CREAT | O_EXCL`` (and ``O_NOFOLLOW``), so a save never replaces a
file, even when several processes — or hosts sharing the folder over NFS v3+ — save the same
name at once. A name whose real path, symlinks resolved, would leave the folder is refused.
The app serves the folder at ``MEDIA_URL`` in DEBUG with the static files' path rules; in
production a web server (or a shared store such as ``s3``) does it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import anyio.to_thread

from framework.files.base import CHUNK_SIZE, Storage, StoredFile, iter_content
from framework.files.names import alternative_name, check_storage_name

__all__ = ["FileSystemStorage"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class FileSystemStorage(Storage):
    """Files in the folder *location*, their URLs under *base_url*."""

    option_names = frozenset({"location", "base_url"})

    def __init__(self, location: str | os.PathLike[str] = "", base_url: str | None = None) -> None:
        if not location:
            raise ValueError(
                "The filesystem storage needs a folder: set OPTIONS['location'] in STORAGES "
                "or MEDIA_ROOT in the settings."
            )
        self.location = Path(location).resolve()
        self.base_url = "/media/" if base_url is None else base_url

    @classmethod
    def from_options(cls, options: Mapping[str, Any], settings: Any) -> FileSystemStorage:
        """Return the storage for STORAGES *options*, defaulting to MEDIA_ROOT/MEDIA_URL."""
        location = options.get("location") or settings.MEDIA_ROOT
        base = Path(settings.BASE_DIR or ".")
        return cls(base / location if location else "", options.get("base_url", settings.MEDIA_URL))

    def __repr__(self) -> str:
        return f"<FileSystemStorage {str(self.location)!r}>"

    def path(self, name: str) -> Path:
        """Return the local path of *name*, refusing names that resolve outside the folder."""
        check_storage_name(name)
        path = self.location.joinpath(*name.split("/"))
        real_root = os.path.realpath(self.location)
        real = os.path.realpath(path)
        if not real.startswith(real_root + os.sep):
            raise ValueError(f"Cannot use {name!r}: it resolves outside {self.location}.")
        return path

    # -- writing --------------------------------------------------------------------------

    def save_file(self, name: str, source: IO[bytes]) -> str:
        """Copy *source* to *name*, or to an alternative when taken; return the name used.

        The synchronous twin of :meth:`asave` for code without an event loop.
        """
        candidate = check_storage_name(name)
        for _ in range(100):
            if self.create_from_file(candidate, source):
                return candidate
            candidate = alternative_name(name)
        raise FileExistsError(f"Could not find a free name like {name!r} in {self!r}.")

    def create_from_file(self, name: str, source: IO[bytes]) -> bool:
        """Copy *source* (from its start) to *name* if absent; return False when taken."""
        descriptor = self._open_new(name)
        if descriptor is None:
            return False
        try:
            with os.fdopen(descriptor, "wb") as target:
                source.seek(0)
                while chunk := source.read(CHUNK_SIZE):
                    target.write(chunk)
                source.seek(0)
        except BaseException:
            self.path(name).unlink(missing_ok=True)
            raise
        return True

    def _open_new(self, name: str) -> int | None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path(name)  # again: a folder created meanwhile may be a link out
        try:
            return os.open(path, _FLAGS, 0o644)
        except FileExistsError:
            return None

    async def _create(self, name: str, data: Any) -> bool:
        source: IO[bytes] | None = getattr(data, "file", None)
        if source is not None and hasattr(source, "seek"):  # an upload: copy in a thread
            return await anyio.to_thread.run_sync(self.create_from_file, name, source)
        descriptor = await anyio.to_thread.run_sync(self._open_new, name)
        if descriptor is None:
            return False
        target = os.fdopen(descriptor, "wb")
        try:
            async for chunk in iter_content(data):
                await anyio.to_thread.run_sync(target.write, chunk)
        except BaseException:
            target.close()
            self.path(name).unlink(missing_ok=True)
            raise
        target.close()
        return True

    # -- reading and the rest -------------------------------------------------------------

    @asynccontextmanager
    async def aopen(self, name: str) -> AsyncIterator[StoredFile]:
        """Open *name* for reading."""
        path = self.path(name)
        handle = await anyio.to_thread.run_sync(open, path, "rb")
        try:
            size = os.fstat(handle.fileno()).st_size

            async def chunks() -> AsyncIterator[bytes]:
                while chunk := await anyio.to_thread.run_sync(handle.read, CHUNK_SIZE):
                    yield chunk

            yield StoredFile(name, size, chunks())
        finally:
            handle.close()

    async def aexists(self, name: str) -> bool:
        """Return whether *name* is a stored file."""
        return await anyio.to_thread.run_sync(self.path(name).is_file)

    async def adelete(self, name: str) -> None:
        """Delete *name* if it exists."""
        await anyio.to_thread.run_sync(lambda: self.path(name).unlink(missing_ok=True))

    def url(self, name: str) -> str:
        """Return ``MEDIA_URL`` + *name* (quoted)."""
        check_storage_name(name)
        return self.base_url.rstrip("/") + "/" + quote(name)
