"""Static files: served from each app's ``static/`` in DEBUG, collected for production.

In DEBUG the app serves ``STATIC_URL<path>`` from STATICFILES_DIRS, then each installed
app's ``static/`` folder (first match wins). In production ``manage.py collectstatic`` copies
those files into STATIC_ROOT for the web server (or for this app, with SERVE_STATIC on).

A request path is refused (404) unless it is a plain relative path — no NUL, backslash,
drive letter, empty, ``.`` or ``..`` segment, no leading ``/`` — whose real path, symlinks
resolved, lies inside the folder. Folders are never listed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.responses import Response as StarletteResponse
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from framework.web.exceptions import HTTPException
from framework.web.manifest import HASHED_CACHE_CONTROL, content_etag, load_manifest, write_manifest
from framework.web.responses import FileResponse, Response

__all__ = [
    "CollectResult",
    "IndexFallback",
    "StaticFiles",
    "collect_static",
    "find_file",
    "media_mount",
    "safe_relative_path",
    "served_static_dirs",
    "static_source_dirs",
]


def static_source_dirs(settings: Any) -> list[Path]:
    """Return the folders static files come from: STATICFILES_DIRS, then each app's static/."""
    from framework.apps import apps

    base = Path(settings.BASE_DIR or ".")
    dirs = [base / directory for directory in settings.STATICFILES_DIRS]
    configs = apps.get_app_configs() if apps.configs_ready else []
    return dirs + [path for path in (config.static_dir for config in configs) if path]


def served_static_dirs(settings: Any, debug: bool) -> list[Path]:
    """Return the folders the app serves at STATIC_URL (none unless SERVE_STATIC or DEBUG)."""
    serve = settings.SERVE_STATIC
    if serve is False or (serve is None and not debug):
        return []
    if not debug and settings.STATIC_ROOT:
        # Relative to BASE_DIR, as collectstatic writes it.
        return [Path(settings.BASE_DIR or ".") / settings.STATIC_ROOT]
    return static_source_dirs(settings)


def media_mount(settings: Any, debug: bool) -> Mount | None:
    """Return the mount serving the default filesystem storage at MEDIA_URL in DEBUG, or None.

    Static files' rules apply: never outside DEBUG, never with SERVE_STATIC off.
    """
    media_url = "/" + str(settings.MEDIA_URL or "").strip("/")
    if not debug or media_url == "/" or settings.SERVE_STATIC is False:
        return None
    from framework.files import FileSystemStorage
    from framework.files.registry import create_storage

    try:
        storage = create_storage("default", settings.STORAGES["default"], settings)
    except Exception:  # a bad STORAGES is reported by the system checks
        return None
    if not isinstance(storage, FileSystemStorage):
        return None
    return Mount(media_url, app=StaticFiles([storage.location]), name="media")


def safe_relative_path(path: str) -> str | None:
    """Return *path* if it is a safe relative file path, else None."""
    if not path or path.startswith("/") or "\0" in path or "\\" in path:
        return None
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", "..") or ":" in part:
            return None
    return path


def find_file(roots: Iterable[Path], path: str) -> Path | None:
    """Return the first regular file at *path* inside one of *roots* (realpath-contained)."""
    relative = safe_relative_path(path)
    if relative is None:
        return None
    for root in roots:
        base = os.path.realpath(root)
        candidate = os.path.realpath(os.path.join(base, relative))
        if candidate.startswith(base + os.sep) and os.path.isfile(candidate):
            return Path(candidate)
    return None


class StaticFiles:
    """Serve files from *directories* (searched in order) for GET and HEAD.

    A name listed as hashed in a directory's manifest (``collectstatic --manifest``) is
    sent with ``Cache-Control: public, max-age=31536000, immutable``.
    """

    def __init__(self, directories: Sequence[Path | str]) -> None:
        self.directories = [Path(directory) for directory in directories]

    def lookup(self, relative: str) -> tuple[Path, str, bool] | None:
        """Return the file at *relative*, its content ETag, and whether its name is hashed."""
        found = find_file(self.directories, relative)
        if found is None:
            return None
        hashed = any(
            relative in load_manifest(directory).values() for directory in self.directories
        )
        return found, content_etag(found, found.stat()), hashed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        root_path = scope.get("root_path", "")
        path = scope["path"]
        relative = path[len(root_path) :] if path.startswith(root_path) else path
        relative = relative[1:] if relative.startswith("/") else relative
        found = await anyio.to_thread.run_sync(self.lookup, relative)
        if found is None:
            raise HTTPException(404)
        path, etag, hashed = found
        extra = {"cache-control": HASHED_CACHE_CONTROL} if hashed else {}
        await file_response(path, scope, etag=etag, headers=extra)(scope, receive, send)


def file_response(
    path: Path, scope: Scope, *, etag: str | None = None, headers: dict[str, str] | None = None
) -> StarletteResponse:
    """Return *path* as a response, or 304 when the client's copy is current.

    *etag* defaults to one made from the file's content (the same on every host).
    """
    stat = path.stat()
    etag = etag or content_etag(path, stat)
    extra = {"etag": etag, **(headers or {})}
    last_modified = formatdate(stat.st_mtime, usegmt=True)
    request_headers = {name: value for name, value in scope["headers"]}
    if_none_match = request_headers.get(b"if-none-match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.decode("latin-1").split(",")}
        if etag in tags or "*" in tags or f"W/{etag}" in tags:
            return Response(status_code=304, headers=extra)
    elif request_headers.get(b"if-modified-since", b"").decode("latin-1") == last_modified:
        return Response(status_code=304, headers=extra)
    return FileResponse(path, stat_result=stat, headers=extra)


class IndexFallback:
    """Answer unknown GET paths with an index page (single-page apps), found in *directories*.

    Clients that ask for JSON only still get the 404 error body.
    """

    def __init__(self, directories: Sequence[Path | str], index: str = "index.html") -> None:
        self.directories = [Path(directory) for directory in directories]
        self.index = index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope["headers"]).get(b"accept", b"")
        if b"application/json" in accept and b"text/html" not in accept:
            raise HTTPException(404)
        found = await anyio.to_thread.run_sync(find_file, self.directories, self.index)
        if found is None:
            raise HTTPException(404)
        response = await anyio.to_thread.run_sync(file_response, found, scope)
        await response(scope, receive, send)


@dataclass
class CollectResult:
    """What ``collect_static`` did: files copied, and files hidden by an earlier source."""

    copied: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, Path]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    #: Original → content-hashed name, when a manifest was written.
    hashed: dict[str, str] = field(default_factory=dict)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith("~")


def collect_static(
    sources: Sequence[Path],
    destination: Path,
    *,
    clear: bool = False,
    dry_run: bool = False,
    manifest: bool = False,
) -> CollectResult:
    """Copy the files of *sources* into *destination*; the first source to have a path wins.

    Symlinks that lead outside their source folder are skipped (and reported), so collecting
    never copies files the folder does not own. With *manifest*, each file is also copied
    under its content-hashed name and ``staticfiles.json`` maps one to the other.
    """
    result = CollectResult()
    destination = Path(destination)
    if clear and destination.is_dir() and not dry_run:
        shutil.rmtree(destination)
    seen: set[str] = set()
    for source in sources:
        base = os.path.realpath(source)
        for folder, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(name for name in dirnames if not _ignored(name))
            for filename in sorted(filenames):
                if _ignored(filename):
                    continue
                full = os.path.join(folder, filename)
                real = os.path.realpath(full)
                if not real.startswith(base + os.sep) or not os.path.isfile(real):
                    result.skipped.append(Path(full))
                    continue
                relative = os.path.relpath(full, base).replace(os.sep, "/")
                if relative in seen:
                    result.duplicates.append((relative, Path(source)))
                    continue
                seen.add(relative)
                result.copied.append(relative)
                if not dry_run:
                    target = destination / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(real, target)
    if manifest and not dry_run:
        result.hashed = write_manifest(destination, result.copied)
    return result
