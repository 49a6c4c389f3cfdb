"""Uploaded files that passed validation, and where they are stored.

A client chooses an upload's filename, so the name is information, never a path: ``File``
keeps it (``file.filename``) for display, and :meth:`File.save` stores the content under a
generated name (random hex plus the original extension when it is a plain word) inside
``MEDIA_ROOT``. Names such as ``../../etc/passwd``, ``..\\boot.ini``, ``/abs``, ``a\\0b``,
``CON`` or 300 characters are therefore harmless, and a save never overwrites a file: it
creates a new one with ``O_EXCL``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from framework.files.names import check_storage_name, generated_name

if TYPE_CHECKING:
    from framework.files import Storage

__all__ = [
    "File",
    "as_upload",
    "describe_limits",
    "media_root",
    "normalise_extensions",
    "safe_extension",
    "safe_subdirectory",
]

_EXTENSION = re.compile(r"[a-z0-9]{1,16}")


def safe_extension(filename: str | None) -> str:
    """Return the lower-case extension of *filename* if it is a plain word, else ``""``.

    Only the last path segment counts (``/`` and ``\\`` both separate segments), so a name
    like ``"x.png/../../y"`` has no extension, and ``"archive.tar.gz"`` has ``"gz"``.
    """
    if not filename:
        return ""
    last = re.split(r"[/\\]", filename.replace("\0", ""))[-1].strip()
    stem, dot, extension = last.rpartition(".")
    extension = extension.lower()
    if not dot or not stem.strip(".") or not _EXTENSION.fullmatch(extension):
        return ""
    return extension


def normalise_extensions(extensions: Collection[str] | None) -> frozenset[str] | None:
    """Return *extensions* lower-cased without leading dots (``".PNG"`` → ``"png"``)."""
    if extensions is None:
        return None
    if isinstance(extensions, str):
        raise TypeError(
            f"allowed_extensions must be a collection such as {{'png', 'jpg'}}; got the "
            f"string {extensions!r}."
        )
    return frozenset(extension.lower().lstrip(".") for extension in extensions)


def describe_limits(max_size: int | None, extensions: Collection[str] | None) -> str:
    """Return a sentence on the limits of a file field, for the API documentation."""
    parts = []
    if max_size is not None:
        parts.append(f"at most {max_size} bytes")
    if extensions is not None:
        parts.append("extensions: " + ", ".join(sorted(extensions)))
    return "; ".join(parts)


def media_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder uploads are saved in: *root*, or ``MEDIA_ROOT`` under ``BASE_DIR``."""
    if root is None:
        from framework.conf import settings

        root = settings.MEDIA_ROOT
        if not root:
            raise ValueError(
                "MEDIA_ROOT is empty, so uploads have nowhere to go; set MEDIA_ROOT in the "
                "settings (a folder, relative to BASE_DIR or absolute)."
            )
        base = Path(settings.BASE_DIR or ".")
        return (base / root).resolve()
    return Path(root).resolve()


def safe_subdirectory(root: Path, to: str) -> Path:
    """Return the folder *to* inside *root*; refuse anything that could leave *root*."""
    if not to:
        return root
    parts = to.replace("\\", "/").split("/")
    unsafe = (
        "\0" in to
        or to.startswith(("/", "\\"))
        or any(part in ("", ".", "..") or ":" in part for part in parts)
    )
    if unsafe:
        raise ValueError(
            f"Cannot save into {to!r}: give a relative folder inside the media root such as "
            "'covers' or 'covers/2024' (no '..', no absolute path, no drive, no NUL)."
        )
    target = root.joinpath(*parts)
    real_root = os.path.realpath(root)
    real_target = os.path.realpath(target)
    if real_target != real_root and not real_target.startswith(real_root + os.sep):
        raise ValueError(f"Cannot save into {to!r}: it resolves outside the media root.")
    return target


class File:
    """An uploaded file: its client-side name and type, its size, and its content.

    ``filename`` is whatever the client sent: show it, never use it as a path. Use
    :meth:`save` (or :meth:`asave` in async code) to keep the content.
    """

    def __init__(self, upload: UploadFile | File, *, storage: str | None = None) -> None:
        source: UploadFile = upload.upload if isinstance(upload, File) else upload
        #: The upload as the form parser produced it.
        self.upload: UploadFile = source
        upload = source
        #: The name the client gave (untrusted; may be empty, contain ``../`` or NUL).
        self.filename: str = upload.filename or ""
        #: The content type the client declared (untrusted).
        self.content_type: str = upload.content_type or "application/octet-stream"
        #: Where :meth:`save` last stored the file, relative to the media root.
        self.saved_as: str | None = None
        #: The STORAGES alias :meth:`asave` uses by default (a file field's ``storage``).
        self.storage_alias: str | None = storage

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.filename!r} {self.size} bytes>"

    @property
    def file(self) -> IO[bytes]:
        """Return the underlying binary file object (a spooled temporary file)."""
        return self.upload.file

    @property
    def size(self) -> int:
        """Return the size of the content in bytes."""
        if self.upload.size is not None:
            return self.upload.size
        position = self.file.tell()
        size = self.file.seek(0, os.SEEK_END)
        self.file.seek(position)
        return size

    @property
    def extension(self) -> str:
        """Return the lower-case extension of the client's filename, or ``""`` (see below).

        Only a plain word (letters and digits, at most 16) counts, so the extension is safe
        to put in a generated name.
        """
        return safe_extension(self.filename)

    async def read(self, size: int = -1) -> bytes:
        """Read up to *size* bytes (all by default) from the current position."""
        return await self.upload.read(size)

    async def seek(self, offset: int) -> None:
        """Move to byte *offset* of the content."""
        await self.upload.seek(offset)

    def save(
        self,
        path: str | None = None,
        *,
        to: str = "",
        root: str | os.PathLike[str] | None = None,
    ) -> str:
        """Store the content on disk; return its name relative to the root (``MEDIA_ROOT``).

        Without *path* the name is generated (random hex plus the file's safe extension),
        so it never comes from the client; with *path* (``"avatars/ann.png"``, checked: no
        ``..``, no absolute path) the file gets that name, or an alternative if it is taken.
        *to* is a folder inside the root; *root* replaces ``MEDIA_ROOT``. An existing file is
        never replaced. ``await file.asave(...)`` does the same in a worker thread and can
        use any storage of STORAGES.
        """
        from framework.files import FileSystemStorage

        base = media_root(root)
        safe_subdirectory(base, to)
        name = self._target_name(path, to)
        self.saved_as = FileSystemStorage(base).save_file(name, self.file)
        return self.saved_as

    async def asave(
        self,
        path: str | None = None,
        *,
        to: str = "",
        root: str | os.PathLike[str] | None = None,
        storage: str | Storage | None = None,
    ) -> str:
        """Store the content in a storage like :meth:`save`; return the stored name.

        *storage* is an alias of STORAGES or a storage; by default the file field's
        ``storage``, else ``"default"``. *root* stores in that folder instead.
        """
        from framework.files import FileSystemStorage, storages

        if root is not None:
            return await run_in_threadpool(self.save, path, to=to, root=root)
        target = storages.resolve(storage or self.storage_alias)
        if isinstance(target, FileSystemStorage):
            safe_subdirectory(target.location, to)
        self.saved_as = await target.asave(self._target_name(path, to), self)
        return self.saved_as

    def _target_name(self, path: str | None, to: str) -> str:
        folder = to.replace("\\", "/").strip("/")
        if not path:
            return generated_name(folder, self.extension)
        check_storage_name(path)
        return f"{folder}/{path}" if folder else path


def as_upload(value: Any) -> UploadFile | None:
    """Return the ``UploadFile`` behind *value* (an upload or a ``File``), else None."""
    if isinstance(value, File):
        return value.upload
    if isinstance(value, UploadFile):
        return value
    return None
