"""Storages on a real disk and a real S3 server (moto): names, never overwriting, reading,
URLs, configuration errors. Across processes: tests/e2e/test_shared_state.py.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from framework.checks import Error, run_checks
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.files import (
    FileSystemStorage,
    Storage,
    default_storage,
    sanitize_filename,
    storages,
    validate_filename,
)
from tests.support.s3server import s3_bucket, s3_storage_options


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    """Return the default storage of each backend (a fresh folder or bucket)."""
    entry: dict[str, Any] = (
        {"BACKEND": "filesystem", "OPTIONS": {"location": str(tmp_path / "media")}}
        if request.param == "filesystem"
        else {"BACKEND": "s3", "OPTIONS": s3_storage_options(s3_bucket())}
    )
    with settings.override(STORAGES={"default": entry}):
        yield storages["default"]


async def test_save_read_open_exists_delete(storage: Storage) -> None:
    name = await storage.asave("reports/2024.csv", b"day,total\n1,2\n")
    assert name == "reports/2024.csv"
    assert await storage.aexists(name)
    assert await storage.aread(name) == b"day,total\n1,2\n"
    async with storage.aopen(name) as file:
        assert file.size == 14
        assert await file.read(4) == b"day,"
        assert b"".join([chunk async for chunk in file]) == b"total\n1,2\n"
    await storage.adelete(name)
    await storage.adelete(name)  # already gone: not an error
    assert not await storage.aexists(name)
    with pytest.raises(FileNotFoundError):
        await storage.aread(name)


async def test_a_taken_name_gets_an_alternative_and_nothing_is_overwritten(
    storage: Storage,
) -> None:
    first = await storage.asave("avatars/ann.png", b"first")
    second = await storage.asave("avatars/ann.png", "second")
    assert first == "avatars/ann.png"
    assert second.startswith("avatars/ann_") and second.endswith(".png")
    assert (await storage.aread(first), await storage.aread(second)) == (b"first", b"second")


async def test_concurrent_saves_of_one_name_never_overwrite(storage: Storage) -> None:
    contents = [f"writer {number}".encode() for number in range(8)]
    names = await asyncio.gather(*(storage.asave("race.txt", data) for data in contents))
    assert len(set(names)) == 8 and "race.txt" in names
    assert [await storage.aread(name) for name in names] == contents


async def test_content_kinds(storage: Storage, tmp_path: Path) -> None:
    async def chunks() -> Any:
        yield b"as"
        yield b"ync"

    source = tmp_path / "source.bin"
    source.write_bytes(b"x" * 3_000_000)
    with source.open("rb") as handle:
        big = await storage.asave("big.bin", handle)
    assert await storage.aread(await storage.asave("it.txt", chunks())) == b"async"
    assert await storage.aread(await storage.asave("text.txt", "é")) == "é".encode()
    assert await storage.aread(big) == b"x" * 3_000_000
    with pytest.raises(TypeError, match="Cannot store int"):
        await storage.asave("n.txt", 7)


UNSAFE = [
    ("../outside.txt", "it has an empty, '.' or '..' segment"),
    ("a/../../b", "it has an empty, '.' or '..' segment"),
    ("/etc/passwd", "it is an absolute path"),
    ("C:/x.txt", "it contains ':' (a drive letter or stream name)"),
    ("..\\boot.ini", "it contains a backslash"),
    ("a\x00b", "it contains NUL or control characters"),
    ("", "the name is empty or not a string"),
    ("a//b", "it has an empty, '.' or '..' segment"),
    ("x" * 256, "a segment is longer than 255 bytes"),
]


@pytest.mark.parametrize(("name", "problem"), UNSAFE)
async def test_unsafe_names_are_refused_and_nothing_is_stored(
    storage: Storage, name: str, problem: str
) -> None:
    with pytest.raises(ValueError) as refused:
        await storage.asave(name, b"x")
    assert str(refused.value) == (
        f"Cannot store a file as {name!r}: {problem}. Give a relative path inside the "
        "storage such as 'covers/cat.png'."
    )


async def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "escape").symlink_to(tmp_path)
    storage = FileSystemStorage(media)
    with pytest.raises(ValueError, match="resolves outside"):
        await storage.asave("escape/x.txt", b"x")
    assert not (tmp_path / "x.txt").exists()


async def test_s3_urls_are_presigned_unless_public() -> None:
    options = s3_storage_options(s3_bucket())
    with settings.override(STORAGES={"default": {"BACKEND": "s3", "OPTIONS": options}}):
        name = await default_storage.asave("private/report.pdf", b"%PDF")
        url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).content == b"%PDF"
        assert (await client.get(url.split("?", 1)[0])).status_code == 403
    public = {**options, "public_url": "https://cdn.example.com/", "prefix": "media"}
    with settings.override(STORAGES={"default": {"BACKEND": "s3", "OPTIONS": public}}):
        assert default_storage.url("a b.png") == "https://cdn.example.com/media/a%20b.png"


def test_filesystem_url_and_default_location(tmp_path: Path) -> None:
    with settings.override(BASE_DIR=tmp_path, MEDIA_ROOT="uploads", MEDIA_URL="/files/"):
        assert default_storage.url("a b/c.png") == "/files/a%20b/c.png"
        assert default_storage.location == (tmp_path / "uploads").resolve()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"BACKEND": "filesystm"},
            "STORAGES['default'] has an unknown BACKEND 'filesystm' (known: filesystem, s3, or "
            "a dotted path). Did you mean 'filesystem'?",
        ),
        (
            {"BACKEND": "s3", "OPTIONS": {"bucket": "b", "acess_key": "k"}},
            "STORAGES['default'] has an unknown OPTIONS key 'acess_key' for S3Storage (known: "
            "access_key, bucket, endpoint_url, prefix, public_url, region, secret_key, "
            "url_expires). Did you mean 'access_key'?",
        ),
        (
            {"BACKEND": "s3", "OPTIONS": {}},
            "The s3 storage needs a bucket: set OPTIONS['bucket'] in STORAGES.",
        ),
        (
            {"BACKEND": "filesystem", "OPTION": {}},
            "STORAGES['default'] has an unknown key 'OPTION' (known: BACKEND, OPTIONS). "
            "Did you mean 'OPTIONS'?",
        ),
    ],
)
def test_a_bad_setting_is_a_system_check_error(entry: dict[str, Any], message: str) -> None:
    with settings.override(STORAGES={"default": entry}):
        assert run_checks(tags=["files"]) == [
            Error(message, "Fix STORAGES in the settings.", "files.E001")
        ]
        with pytest.raises(ImproperlyConfigured) as caught:
            storages["default"]
    assert str(caught.value) == message


def test_an_unknown_alias_names_the_known_ones() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        storages["defualt"]
    assert str(caught.value) == (
        "The storage alias 'defualt' is not in STORAGES (known: 'default'). Did you mean 'default'?"
    )


def test_local_storage_is_named_by_check_deploy_when_scaled_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert run_checks(tags=["files"], include_deployment=True) == []
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    found = run_checks(tags=["files"], include_deployment=True)
    assert [m.id for m in found] == ["files.W001"]
    assert "(the server runs 3 worker processes)" in found[0].msg
    s3 = {"default": {"BACKEND": "s3", "OPTIONS": {"bucket": "media"}}}
    with settings.override(STORAGES=s3):
        assert run_checks(tags=["files"], include_deployment=True) == []


def test_a_missing_client_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "obstore", None)
    s3 = {"default": {"BACKEND": "s3", "OPTIONS": {"bucket": "b"}}}
    with settings.override(STORAGES=s3), pytest.raises(MissingDependencyError) as caught:
        storages["default"]
    assert str(caught.value) == (
        "'obstore' is required for the s3 file storage but is not installed: "
        'pip install "framework[s3]"'
    )


@pytest.mark.parametrize(
    ("filename", "sanitized"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("Café Menu.PDF", "Cafe_Menu.PDF"),
        ("a\x00b.png", "ab.png"),
        ("CON.txt", "_CON.txt"),
        (".htaccess", "htaccess"),
        ("////", "file"),
        ("x" * 300 + ".png", "x" * 251 + ".png"),
    ],
)
def test_sanitize_filename(filename: str, sanitized: str) -> None:
    assert sanitize_filename(filename) == sanitized
    assert validate_filename(sanitized) == sanitized


@pytest.mark.parametrize("filename", ["../x", "a b.png", ".env", "CON", "nul.txt", "", "é.png"])
def test_validate_filename_refuses_unsafe_names(filename: str) -> None:
    with pytest.raises(ValueError, match=f"The filename {filename!r} is not safe"):
        validate_filename(filename)


def test_importing_files_loads_no_s3_client() -> None:
    import subprocess

    code = "import sys, framework.files; print('obstore' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "False\n", result.stderr
