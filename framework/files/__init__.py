"""Stored files: ``storages`` and ``default_storage`` from ``STORAGES``, on disk or on S3.

::

    from framework.files import default_storage, storages

    name = await default_storage.asave("avatars/ann.png", data)   # the name it used
    await default_storage.aread(name); default_storage.url(name)

Importing this package imports no S3 client: the ``s3`` backend loads obstore when a storage
of that kind is first made (``pip install "framework[s3]"``).
"""

from __future__ import annotations

from framework.files.base import Storage, StoredFile
from framework.files.filesystem import FileSystemStorage
from framework.files.names import sanitize_filename, validate_filename
from framework.files.registry import StorageHandler, default_storage, storages

__all__ = [
    "FileSystemStorage",
    "Storage",
    "StorageHandler",
    "StoredFile",
    "default_storage",
    "sanitize_filename",
    "storages",
    "validate_filename",
]
