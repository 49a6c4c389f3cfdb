"""Uploads: ``File`` storage under generated names, ``FileField`` limits and validators."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields
from pydantic import BaseModel

from framework.conf import settings
from framework.io import File, input
from framework.io.files import media_root, safe_extension
from framework.io.marshmallow import FileField as MarshmallowFileField
from framework.io.pydantic import FileField
from framework.testing import TestClient
from framework.web import App

ATTACK_NAMES = [
    "../../etc/passwd.png",
    "..\\..\\boot.png",
    "/etc/shadow.png",
    "C:\\Windows\\win.png",
    "a\x00b.png",
    "CON.png",
    "NUL",
    "x" * 300 + ".png",
    ".png",
]


class Image(FileField):
    max_size = 10
    allowed_extensions = {"png", ".JPG"}


class ImageModel(BaseModel):
    title: str
    image: Image


class ImageSchema(Schema):
    title = fields.String(required=True)
    image = MarshmallowFileField(required=True, max_size=10, allowed_extensions=["png", "JPG"])


def upload_app(schema: Any, root: Path) -> App:
    app = App()

    @app.post("/upload")
    @input(schema, location="form")
    async def upload(request, data):
        image = data.image if isinstance(data, BaseModel) else data["image"]
        stored = await image.asave(to="covers", root=root)
        return {
            "stored": stored,
            "name": image.filename,
            "size": image.size,
            "kind": type(image).__name__,
        }

    return app


@pytest.fixture(params=[ImageModel, ImageSchema], ids=["pydantic", "marshmallow"])
def schema(request: pytest.FixtureRequest) -> Any:
    return request.param


@pytest.mark.parametrize("filename", ATTACK_NAMES)
def test_hostile_filenames_are_stored_under_a_generated_name_inside_the_root(
    filename: str, tmp_path: Path
) -> None:
    app = App()

    @app.post("/raw")
    @input(ImageModelAny, location="form")
    async def raw(request, data):
        return {"stored": data.image.save(root=tmp_path), "name": data.image.filename}

    with TestClient(app) as client:
        response = client.post("/raw", files={"image": (filename, b"data", "image/png")})
    assert response.status_code == 200, response.text
    stored = response.json()["stored"]
    assert "/" not in stored and ".." not in stored and "\x00" not in stored
    assert len(stored) <= 32 + 5
    assert [path.name for path in tmp_path.iterdir()] == [stored]
    assert (tmp_path / stored).read_bytes() == b"data"


class AnyFile(FileField):
    """No limits."""


class ImageModelAny(BaseModel):
    image: AnyFile


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        ("photo.PNG", "png"),
        ("archive.tar.gz", "gz"),
        ("x.png/../../y", ""),
        ("..\\evil.exe", "exe"),
        ("noext", ""),
        (".hidden", ""),
        ("a.p n g", ""),
        ("a." + "x" * 17, ""),
        (None, ""),
    ],
)
def test_safe_extension(filename: str | None, extension: str) -> None:
    assert safe_extension(filename) == extension


def test_a_save_never_overwrites(tmp_path: Path) -> None:
    app = App()

    @app.post("/twice")
    @input(ImageModelAny, location="form")
    async def twice(request, data):
        return [data.image.save(root=tmp_path), await data.image.asave(root=tmp_path)]

    with TestClient(app) as client:
        first, second = client.post("/twice", files={"image": ("a.png", b"one")}).json()
    assert first != second
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([first, second])


@pytest.mark.parametrize("to", ["../out", "/abs", "a/../../b", "c:/x", "a\x00b", "a//b", "./a"])
def test_a_folder_outside_the_media_root_is_refused(to: str, tmp_path: Path) -> None:
    from starlette.datastructures import UploadFile

    file = File(UploadFile(file=open(os.devnull, "rb"), filename="a.txt"))  # noqa: SIM115
    with pytest.raises(ValueError, match="Cannot save into"):
        file.save(to=to, root=tmp_path)
    file.file.close()
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_out_of_the_media_root_is_refused(tmp_path: Path) -> None:
    from starlette.datastructures import UploadFile

    root = tmp_path / "media"
    root.mkdir()
    (root / "escape").symlink_to(tmp_path)
    file = File(UploadFile(file=open(os.devnull, "rb"), filename="a.txt"))  # noqa: SIM115
    with pytest.raises(ValueError) as caught:
        file.save(to="escape", root=root)
    file.file.close()
    assert str(caught.value) == "Cannot save into 'escape': it resolves outside the media root."


def test_media_root_is_relative_to_base_dir(tmp_path: Path) -> None:
    with settings.override(BASE_DIR=tmp_path, MEDIA_ROOT="uploads"):
        assert media_root() == (tmp_path / "uploads").resolve()
    with settings.override(MEDIA_ROOT=""), pytest.raises(ValueError, match="MEDIA_ROOT is empty"):
        media_root()


# -- limits: over, at, disabled ---------------------------------------------------------------


def test_a_file_over_max_size_is_422(schema: Any, tmp_path: Path) -> None:
    with TestClient(upload_app(schema, tmp_path)) as client:
        response = client.post(
            "/upload", data={"title": "t"}, files={"image": ("a.png", b"x" * 11, "image/png")}
        )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["loc"] == ["body", "image"]
    assert error["type"] == "file_too_large"
    assert error["msg"].rstrip(".") == "File is too large: 11 bytes; the limit is 10 bytes"
    assert list(tmp_path.iterdir()) == []


def test_a_file_at_max_size_is_stored(schema: Any, tmp_path: Path) -> None:
    with TestClient(upload_app(schema, tmp_path)) as client:
        response = client.post(
            "/upload", data={"title": "t"}, files={"image": ("a.JPG", b"x" * 10, "image/jpeg")}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"].startswith("covers/") and body["stored"].endswith(".jpg")
    assert (body["name"], body["size"]) == ("a.JPG", 10)
    assert (tmp_path / body["stored"]).read_bytes() == b"x" * 10


def test_max_size_none_disables_the_limit(tmp_path: Path) -> None:
    class Big(BaseModel):
        image: AnyFile

    app = App()

    @app.post("/big")
    @input(Big, location="files")
    async def big(request, files):
        return {"size": files.image.size}

    with TestClient(app) as client:
        response = client.post("/big", files={"image": ("a.bin", b"x" * 100_000)})
    assert response.json() == {"size": 100_000}


def test_a_wrong_extension_is_422_listing_the_allowed_ones(schema: Any, tmp_path: Path) -> None:
    with TestClient(upload_app(schema, tmp_path)) as client:
        response = client.post(
            "/upload", data={"title": "t"}, files={"image": ("a.exe", b"x", "image/png")}
        )
        missing = client.post("/upload", data={"title": "t"})
        text = client.post("/upload", data={"title": "t", "image": "not a file"})
    assert response.json()["errors"][0]["type"] == "file_extension"
    assert response.json()["errors"][0]["msg"].rstrip(".") == (
        "File has extension 'exe'; allowed: jpg, png"
    )
    assert missing.json()["errors"][0]["type"] == "missing"
    assert text.json()["errors"][0]["type"] == "file_type"


def test_the_validated_value_is_a_file_object(schema: Any, tmp_path: Path) -> None:
    with TestClient(upload_app(schema, tmp_path)) as client:
        response = client.post(
            "/upload", data={"title": "t"}, files={"image": ("a.png", b"x", "image/png")}
        )
    assert response.json()["kind"] == ("Image" if schema is ImageModel else "File")


# -- custom validators ------------------------------------------------------------------------


class OnlyImages(FileField):
    file_validators = [*FileField.file_validators, "validate_is_image"]

    @classmethod
    def validate_is_image(cls, file: File) -> None:
        if not file.content_type.startswith("image/"):
            raise ValueError("The file is not an image.")


class ScannedByInit(MarshmallowFileField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.active_file_validators.append("validate_virus_scan")

    def validate_virus_scan(self, file: File) -> None:
        if "virus" in file.filename:
            raise ValidationError("Malicious file detected.")


class ScannedByClass(MarshmallowFileField):
    file_validators = [*MarshmallowFileField.file_validators, "validate_virus_scan"]

    def validate_virus_scan(self, file: File) -> None:
        if "virus" in file.filename:
            raise ValidationError("Malicious file detected.")


class PydanticCustom(BaseModel):
    image: OnlyImages


class InitCustom(Schema):
    image = ScannedByInit(required=True)


class ClassCustom(Schema):
    image = ScannedByClass(required=True)


@pytest.mark.parametrize(
    ("schema", "upload", "message"),
    [
        (PydanticCustom, ("a.txt", b"x", "text/plain"), "The file is not an image."),
        (InitCustom, ("virus.txt", b"x", "text/plain"), "Malicious file detected."),
        (ClassCustom, ("virus.txt", b"x", "text/plain"), "Malicious file detected."),
    ],
    ids=["pydantic-subclass", "marshmallow-init", "marshmallow-class-var"],
)
def test_custom_validators_run_after_the_built_in_ones(
    schema: Any, upload: tuple[str, bytes, str], message: str
) -> None:
    app = App()

    @app.post("/custom")
    @input(schema, location="files")
    async def custom(request, files):
        return {"ok": True}

    with TestClient(app) as client:
        refused = client.post("/custom", files={"image": upload})
        accepted = client.post("/custom", files={"image": ("ok.png", b"x", "image/png")})
    assert refused.json()["errors"] == [
        {"loc": ["body", "image"], "msg": message, "type": "value_error"}
    ]
    assert accepted.json() == {"ok": True}


def test_a_validator_name_without_a_method_is_refused() -> None:
    with pytest.raises(TypeError) as caught:

        class Broken(FileField):
            file_validators = ["validate_size", "validate_magic"]

    assert str(caught.value) == (
        "Broken.file_validators names 'validate_magic', but Broken has no such method; add "
        "'@classmethod def validate_magic(cls, file): ...'."
    )
    with pytest.raises(TypeError, match="names 'nope'"):

        class AlsoBroken(MarshmallowFileField):
            file_validators = ["nope"]

        AlsoBroken()


def test_allowed_extensions_must_not_be_a_string() -> None:
    with pytest.raises(TypeError, match="allowed_extensions must be a collection"):
        MarshmallowFileField(allowed_extensions="png")


# -- storages: chosen paths, the field's storage, media in DEBUG --------------------------------


class Archived(FileField):
    storage = "archive"


class ArchivedModel(BaseModel):
    document: Archived


class ArchivedSchema(Schema):
    document = MarshmallowFileField(required=True, storage="archive")


@pytest.mark.parametrize("schema", [ArchivedModel, ArchivedSchema], ids=["pydantic", "marshmallow"])
def test_a_file_saves_to_a_chosen_path_in_its_fields_storage(schema: Any, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    storages = {
        "default": {"BACKEND": "filesystem", "OPTIONS": {"location": str(tmp_path / "media")}},
        "archive": {"BACKEND": "filesystem", "OPTIONS": {"location": str(archive)}},
    }
    with settings.override(STORAGES=storages):
        app = App()

        @app.post("/documents")
        @input(schema, location="form")
        async def upload(request, data):
            document = data.document if isinstance(data, BaseModel) else data["document"]
            return [
                await document.asave(document.filename),  # as Dyne's users write it
                await document.asave(document.filename),
            ]

        with TestClient(app) as client:
            response = client.post("/documents", files={"document": ("cv.txt", b"me")})
    first, second = response.json()
    assert first == "cv.txt" and second.startswith("cv_") and second.endswith(".txt")
    assert sorted(path.name for path in archive.iterdir()) == sorted([first, second])
    assert not (tmp_path / "media").exists()


async def test_a_chosen_path_is_checked(tmp_path: Path) -> None:
    from starlette.datastructures import UploadFile

    file = File(UploadFile(file=open(os.devnull, "rb"), filename="a.txt"))  # noqa: SIM115
    with pytest.raises(ValueError, match=re.escape("Cannot store a file as '../escape.txt'")):
        await file.asave("../escape.txt", root=tmp_path)
    with pytest.raises(ValueError, match=re.escape("Cannot store a file as '/abs.txt'")):
        file.save("/abs.txt", root=tmp_path)
    assert await file.asave("in/place.txt", root=tmp_path) == "in/place.txt"
    file.file.close()
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.txt")] == ["in/place.txt"]


def test_media_is_served_in_debug_with_the_static_rules(tmp_path: Path) -> None:
    media = tmp_path / "media"
    (media / "avatars").mkdir(parents=True)
    (media / "avatars" / "ann.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    with settings.override(DEBUG=True, BASE_DIR=tmp_path, ALLOWED_HOSTS=["testserver"]):
        debug = App()
    with settings.override(BASE_DIR=tmp_path, ALLOWED_HOSTS=["testserver"]):
        production = App()
    with TestClient(debug) as client:
        assert client.get("/media/avatars/ann.png").content == b"png"
        for path in ["/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/avatars/"]:
            assert client.get(path).status_code == 404, path
    with TestClient(production) as client:
        assert client.get("/media/avatars/ann.png").status_code == 404


class SafeName(FileField):
    file_validators = [*FileField.file_validators, "validate_filename"]


class Sanitized(FileField):
    sanitize_filename = True


class StrictFileField(MarshmallowFileField):
    file_validators = [*MarshmallowFileField.file_validators, "validate_filename"]


class SafeNameSchema(Schema):
    strict = StrictFileField(required=True)
    clean = MarshmallowFileField(required=True, sanitize_filename=True)


def test_filenames_are_validated_or_sanitized_on_request(tmp_path: Path) -> None:
    class Strict(BaseModel):
        strict: SafeName
        clean: Sanitized

    app = App()

    @app.post("/pydantic")
    @input(Strict, location="form")
    async def with_pydantic(request, data):
        return [data.strict.filename, data.clean.filename]

    @app.post("/marshmallow")
    @input(SafeNameSchema, location="form")
    async def with_marshmallow(request, data):
        return [data["strict"].filename, data["clean"].filename]

    with TestClient(app) as client:
        for path in ["/pydantic", "/marshmallow"]:
            good = {"strict": ("cv.pdf", b"x"), "clean": ("../../Café Menu.PDF", b"x")}
            assert client.post(path, files=good).json() == ["cv.pdf", "Cafe_Menu.PDF"], path
            bad = {"strict": ("../cv.pdf", b"x"), "clean": ("a.txt", b"x")}
            refused = client.post(path, files=bad)
            assert refused.status_code == 422, path
            error = refused.json()["errors"][0]
            assert error["loc"] == ["body", "strict"]
            assert error["msg"].startswith("The filename '../cv.pdf' is not safe")
