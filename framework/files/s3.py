"""The ``s3`` storage: any S3-compatible store (AWS S3, MinIO, Ceph, R2, moto…) via obstore.

::

    STORAGES = {"default": {"BACKEND": "s3", "OPTIONS": {
        "endpoint_url": "https://s3.eu-west-1.amazonaws.com", "bucket": "media",
        "access_key": "...", "secret_key": "...", "region": "eu-west-1"}}}

Every host reads what any host stored. A save is one conditional PUT with
``If-None-Match: *``: the store itself refuses a name that exists (412), so two hosts saving
the same name at once never overwrite each other — one gets the name, the other an
alternative. The content is sent in one request (S3 allows up to 5 GB in one PUT).

Files are private by default: :meth:`S3Storage.url` returns a presigned GET URL valid for
``url_expires`` seconds (signing needs no request). With ``public_url`` (a CDN or a public
bucket's address) it returns plain URLs under it instead.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.files.base import Content, Storage, StoredFile, read_content
from framework.files.names import check_storage_name

__all__ = ["S3Storage"]


def _obstore() -> Any:
    try:
        import obstore
        import obstore.store
    except ImportError as exc:
        raise MissingDependencyError("obstore", "s3", "the s3 file storage") from exc
    return obstore


class S3Storage(Storage):
    """Files in an S3 bucket, under an optional key *prefix*."""

    option_names = frozenset(
        {
            "endpoint_url",
            "bucket",
            "access_key",
            "secret_key",
            "region",
            "prefix",
            "public_url",
            "url_expires",
        }
    )

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str | None = None,
        prefix: str = "",
        public_url: str | None = None,
        url_expires: int = 3600,
    ) -> None:
        if not bucket:
            raise ImproperlyConfigured(
                "The s3 storage needs a bucket: set OPTIONS['bucket'] in STORAGES."
            )
        if url_expires <= 0:
            raise ImproperlyConfigured(
                f"OPTIONS['url_expires'] is {url_expires}: give the lifetime of signed URLs "
                "in seconds (default 3600)."
            )
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.public_url = public_url
        self.url_expires = url_expires
        obstore = _obstore()
        config: dict[str, Any] = {}
        if access_key:
            config["access_key_id"] = access_key
        if secret_key:
            config["secret_access_key"] = secret_key
        if region:
            config["region"] = region
        if endpoint_url:
            config["endpoint"] = endpoint_url
        self.store = obstore.store.S3Store(
            bucket,
            config=config,
            client_options={"allow_http": bool(endpoint_url and endpoint_url.startswith("http:"))},
        )

    @classmethod
    def from_options(cls, options: Mapping[str, Any], settings: Any) -> S3Storage:
        """Return the storage for STORAGES *options*."""
        options = dict(options)
        return cls(options.pop("bucket", ""), **options)

    def __repr__(self) -> str:
        return f"<S3Storage {self.bucket!r} at {self.endpoint_url or 'AWS'}>"

    def key(self, name: str) -> str:
        """Return the object key of *name* (the prefix, then the name)."""
        return self.prefix + check_storage_name(name)

    async def _prepare(self, data: Content) -> Any:
        return await read_content(data)  # tried again under another name if taken

    async def _create(self, name: str, data: Any) -> bool:
        obstore = _obstore()
        try:
            await obstore.put_async(
                self.store, self.key(name), data, mode="create", use_multipart=False
            )
        except obstore.exceptions.AlreadyExistsError:
            return False
        return True

    @asynccontextmanager
    async def aopen(self, name: str) -> AsyncIterator[StoredFile]:
        """Open *name* for reading (streamed; ``FileNotFoundError`` when absent)."""
        obstore = _obstore()
        result = await obstore.get_async(self.store, self.key(name))

        async def chunks() -> AsyncIterator[bytes]:
            async for chunk in result.stream(min_chunk_size=256 * 1024):
                yield bytes(chunk)

        yield StoredFile(name, result.meta["size"], chunks())

    async def aexists(self, name: str) -> bool:
        """Return whether an object is stored as *name*."""
        obstore = _obstore()
        try:
            await obstore.head_async(self.store, self.key(name))
        except FileNotFoundError:
            return False
        return True

    async def adelete(self, name: str) -> None:
        """Delete *name* (S3 does not report whether it existed)."""
        obstore = _obstore()
        try:
            await obstore.delete_async(self.store, self.key(name))
        except FileNotFoundError:
            return

    def url(self, name: str, *, expires: int | None = None) -> str:
        """Return a presigned GET URL for *name*, or a plain one under ``public_url``."""
        key = self.key(name)
        if self.public_url:
            return self.public_url.rstrip("/") + "/" + quote(key)
        lifetime = datetime.timedelta(seconds=expires or self.url_expires)
        return str(_obstore().sign(self.store, "GET", key, lifetime))
