"""Names of stored files: checked, normalised, generated, and made unique.

A stored name is a relative path with ``/`` separators (``covers/2024/cat.png``). It is
refused — never "cleaned" silently — when it could leave the storage's root or mean
something else on another system: empty, absolute (``/x``, ``C:\\x``, ``\\\\server\\x``),
``.`` or ``..`` segments, backslashes, NUL or other control characters, a ``:`` (drive letters
and Windows streams), a segment over 255 bytes or a name over 1024 characters.

Client-supplied filenames go through :func:`sanitize_filename` (normalise to a safe ASCII
name) or :func:`validate_filename` (refuse an unsafe one) before they become part of a name.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid

__all__ = [
    "alternative_name",
    "check_storage_name",
    "generated_name",
    "sanitize_filename",
    "validate_filename",
]

MAX_NAME_LENGTH = 1024
MAX_SEGMENT_BYTES = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def check_storage_name(name: str) -> str:
    """Return *name* if it is a safe relative storage path; raise ``ValueError`` otherwise."""
    problem = _name_problem(name)
    if problem:
        raise ValueError(
            f"Cannot store a file as {name!r}: {problem}. Give a relative path inside the "
            "storage such as 'covers/cat.png'."
        )
    return name


def _name_problem(name: object) -> str:
    if not isinstance(name, str) or not name:
        return "the name is empty or not a string"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is longer than {MAX_NAME_LENGTH} characters"
    if _CONTROL.search(name):
        return "it contains NUL or control characters"
    if "\\" in name:
        return "it contains a backslash"
    if name.startswith("/"):
        return "it is an absolute path"
    for segment in name.split("/"):
        if segment in ("", ".", ".."):
            return "it has an empty, '.' or '..' segment"
        if ":" in segment:
            return "it contains ':' (a drive letter or stream name)"
        if len(segment.encode()) > MAX_SEGMENT_BYTES:
            return f"a segment is longer than {MAX_SEGMENT_BYTES} bytes"
    return ""


def validate_filename(filename: str) -> str:
    """Return *filename* if it is a safe single file name; raise ``ValueError`` otherwise.

    Safe means: letters, digits, ``.``, ``_`` and ``-`` only, not starting with a dot, not a
    Windows device name, at most 255 characters.
    """
    stem = filename.split(".", 1)[0].lower()
    unsafe = (
        not filename
        or len(filename) > MAX_SEGMENT_BYTES
        or _UNSAFE_FILENAME_CHARACTERS.search(filename) is not None
        or filename.startswith(".")
        or stem in _WINDOWS_DEVICES
    )
    if unsafe:
        raise ValueError(
            f"The filename {filename!r} is not safe: use letters, digits, '.', '_' and '-' "
            "(not starting with '.', not a device name such as CON), at most 255 characters."
        )
    return filename


def sanitize_filename(filename: str, default: str = "file") -> str:
    """Return *filename* as a safe single file name (ASCII, no path), or *default*.

    The last path segment is kept (``../../etc/passwd`` → ``passwd``), accents are
    dropped (``Café.png`` → ``Cafe.png``), runs of other characters become ``_``, leading
    dots are removed and Windows device names get a ``_`` prefix.
    """
    last = re.split(r"[/\\]", filename.replace("\0", ""))[-1]
    ascii_name = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE_FILENAME_CHARACTERS.sub("_", ascii_name).strip("._ ") or ""
    if not cleaned or set(cleaned) <= {"_"}:
        return default
    if cleaned.split(".", 1)[0].lower() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    if len(cleaned) > MAX_SEGMENT_BYTES:
        stem, dot, extension = cleaned.rpartition(".")
        keep = MAX_SEGMENT_BYTES - len(dot + extension) if dot and len(extension) <= 16 else 0
        cleaned = stem[:keep] + dot + extension if keep else cleaned[:MAX_SEGMENT_BYTES]
    return cleaned


def generated_name(folder: str = "", extension: str = "") -> str:
    """Return a new random name (32 hex digits, plus ``.extension``) inside *folder*."""
    name = uuid.uuid4().hex + (f".{extension}" if extension else "")
    return f"{folder.strip('/')}/{name}" if folder.strip("/") else name


def alternative_name(name: str) -> str:
    """Return *name* with a random suffix before its extension (``cat_x7k2m9q.png``)."""
    folder, slash, filename = name.rpartition("/")
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = filename, "", ""
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(7))
    stem = stem[: MAX_SEGMENT_BYTES - len(suffix) - len(dot + extension) - 1]
    return f"{folder}{slash}{stem}_{suffix}{dot}{extension}"
