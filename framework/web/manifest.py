"""Content-hashed static names for many hosts: ``app.css`` → ``app.3f2a9c1e04b7.css``.

``collectstatic --manifest`` copies every collected file a second time under a name that
contains a hash of its content, and writes ``staticfiles.json`` (original → hashed) into
STATIC_ROOT. Templates' ``static("app.css")`` then gives the hashed URL, so a changed file
gets a new URL on every host at once, and the hashed files can be cached for a year
(``Cache-Control: immutable``). Names depend on content only: two runs over identical files,
on any machine, give identical names and an identical manifest.

ETags of static files are made from their content as well (not from file times, which
differ between hosts), computed once per file version and kept in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "HASHED_CACHE_CONTROL",
    "MANIFEST_NAME",
    "content_etag",
    "hashed_name",
    "load_manifest",
    "write_manifest",
]

MANIFEST_NAME = "staticfiles.json"
MANIFEST_VERSION = 1
#: Cache-Control of a hashed name: its content never changes.
HASHED_CACHE_CONTROL = "public, max-age=31536000, immutable"
_HASH_LENGTH = 12
_BLOCK = 1024 * 1024
_ETAG_CACHE_SIZE = 4096

_etags: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_manifests: dict[str, tuple[int, dict[str, str]]] = {}
_lock = threading.Lock()


def file_digest(path: Path | str) -> str:
    """Return the SHA-256 hex digest of the file at *path*."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def hashed_name(relative: str, digest: str) -> str:
    """Return *relative* with the first 12 hex digits of *digest* before its extension."""
    folder, slash, filename = relative.rpartition("/")
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem:
        return f"{relative}.{digest[:_HASH_LENGTH]}"
    return f"{folder}{slash}{stem}.{digest[:_HASH_LENGTH]}.{extension}"


def write_manifest(destination: Path, relatives: Iterable[str]) -> dict[str, str]:
    """Copy each of *relatives* in *destination* to its hashed name; write the manifest.

    The manifest replaces the old one atomically, so a server reading it never sees half.
    """
    paths: dict[str, str] = {}
    for relative in sorted(set(relatives)):
        source = destination / relative
        target_name = hashed_name(relative, file_digest(source))
        target = destination / target_name
        if not target.exists():
            shutil.copyfile(source, target)
        paths[relative] = target_name
    text = json.dumps({"version": MANIFEST_VERSION, "paths": paths}, indent=1, sort_keys=True)
    temporary = destination / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, destination / MANIFEST_NAME)
    return paths


def load_manifest(static_root: Path | str) -> dict[str, str]:
    """Return the manifest of *static_root* (empty when there is none), re-read on change."""
    path = os.path.join(static_root, MANIFEST_NAME)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return {}
    cached = _manifests.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        paths = {str(key): str(value) for key, value in dict(data["paths"]).items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"The static files manifest {path} is unreadable ({exc}); run "
            "'manage.py collectstatic --manifest' again."
        ) from exc
    with _lock:
        _manifests[path] = (stamp, paths)
    return paths


def content_etag(path: Path, stat: os.stat_result) -> str:
    """Return a strong ETag made from the content of *path* (cached per file version)."""
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        etag = _etags.get(key)
        if etag is not None:
            _etags.move_to_end(key)
            return etag
    etag = f'"{file_digest(path)[:32]}"'
    with _lock:
        _etags[key] = etag
        while len(_etags) > _ETAG_CACHE_SIZE:
            _etags.popitem(last=False)
    return etag
