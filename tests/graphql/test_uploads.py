"""File uploads through the GraphQL multipart request spec, only when they are turned on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from framework.conf import settings
from framework.graphql import GraphQLController
from framework.testing import TestClient
from framework.web import App

SECRET = "graphql-uploads-secret-key-0123456789-abcdefghijklmnop"


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def read_file(self, file: Upload) -> str:
        return f"{file.filename}: {(await file.read()).decode()}"


class UploadAPI(GraphQLController):
    schema = strawberry.Schema(Query, mutation=Mutation)


@contextmanager
def client(uploads: bool) -> Iterator[TestClient]:
    with settings.override(SECRET_KEY=SECRET, GRAPHQL_MULTIPART_UPLOADS=uploads):
        app = App()
        app.include(UploadAPI)
        app.build()
    with TestClient(app) as test_client:
        yield test_client


def upload(test_client: TestClient, files_map: Any = None, operations: Any = None) -> Any:
    query = "mutation($file: Upload!) { readFile(file: $file) }"
    data = {
        "operations": json.dumps(operations or {"query": query, "variables": {"file": None}}),
        "map": json.dumps(files_map or {"0": ["variables.file"]}),
    }
    return test_client.post(
        "/graphql", data=data, files={"0": ("notes.txt", b"hello", "text/plain")}
    )


def test_an_upload_reaches_the_resolver_when_turned_on() -> None:
    with client(uploads=True) as test_client:
        answer = upload(test_client)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"readFile": "notes.txt: hello"}}


def test_uploads_are_refused_when_off() -> None:
    with client(uploads=False) as test_client:
        answer = upload(test_client)
    assert answer.status_code == 415


def test_a_map_naming_a_missing_file_is_400() -> None:
    with client(uploads=True) as test_client:
        answer = upload(test_client, files_map={"7": ["variables.file"]})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["loc"] == ["body", "map"]


def test_operations_that_are_not_json_are_400() -> None:
    with client(uploads=True) as test_client:
        answer = test_client.post(
            "/graphql",
            data={"operations": "{", "map": "{}"},
            files={"0": ("a.txt", b"x", "text/plain")},
        )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["loc"] == ["body", "operations"]
