"""``@output`` sends fields by alias, as the OpenAPI document publishes them."""

from __future__ import annotations

from types import SimpleNamespace

import jsonschema
from pydantic import BaseModel, ConfigDict, Field

from framework.io import output
from framework.openapi import generate_openapi
from framework.testing import TestClient
from framework.web import App


class Profile(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_name: str = Field(alias="userName")
    joined_year: int = Field(serialization_alias="joinedYear")
    plain: str = "x"


def build() -> App:
    app = App()

    @app.get("/dict")
    @output(Profile)
    async def from_dict(request):
        return {"user_name": "bob", "joined_year": 2020}

    @app.get("/object")
    @output(Profile, many=True)
    async def from_objects(request):
        return [SimpleNamespace(user_name="ann", joined_year=2021, plain="y")]

    return app


def test_the_wire_uses_the_names_the_document_publishes() -> None:
    app = build()
    document = generate_openapi(app)
    schema = document["components"]["schemas"]["Profile"]
    assert set(schema["properties"]) == {"userName", "joinedYear", "plain"}
    with TestClient(app) as client:
        one = client.get("/dict").json()
        many = client.get("/object").json()
    assert one == {"userName": "bob", "joinedYear": 2020, "plain": "x"}
    assert many == [{"userName": "ann", "joinedYear": 2021, "plain": "y"}]
    resolver = {"components": document["components"]}
    jsonschema.validate(one, {**schema, **resolver})
    for item in many:
        jsonschema.validate(item, {**schema, **resolver})
