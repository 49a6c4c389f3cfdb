"""``@expect`` and ``@webhook`` record metadata, in every form, and refuse mistakes."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, fields
from pydantic import BaseModel

from framework.exceptions import ImproperlyConfigured
from framework.io import expect, webhook
from framework.web import endpoint_spec


class Problem(BaseModel):
    error: str


class ProblemSchema(Schema):
    error = fields.String()


def test_expect_takes_descriptions_schemas_and_pairs() -> None:
    @expect({401: "Invalid token", 403: Problem, 404: (ProblemSchema, "No such thing")})
    async def handler(request: Any) -> None:
        return None

    responses = endpoint_spec(handler).meta["responses"]
    assert responses[401].description == "Invalid token"
    assert responses[401].adapter is None
    assert (responses[403].description, responses[403].adapter.library) == (None, "pydantic")
    assert responses[404].description == "No such thing"
    assert responses[404].adapter.library == "marshmallow"


def test_two_expects_merge() -> None:
    @expect({401: "a"})
    @expect({404: "b"})
    async def handler(request: Any) -> None:
        return None

    assert sorted(endpoint_spec(handler).meta["responses"]) == [401, 404]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"404": "x"}, "@expect keys are HTTP status codes (100-599); got '404'."),
        ({700: "x"}, "@expect keys are HTTP status codes (100-599); got 700."),
        ({404: (Problem, 3)}, "@expect({404: ...}) takes a description, a schema or"),
        ({}, "@expect takes a dict of answers"),
    ],
)
def test_expect_mistakes(value: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        expect(value)
    assert str(caught.value).startswith(message)


def test_webhook_with_and_without_a_name() -> None:
    @webhook
    async def handle_event(request: Any) -> None:
        return None

    @webhook(name="transaction_callback")
    async def process_payment(request: Any) -> None:
        return None

    assert endpoint_spec(handle_event).meta["webhook"] == "handle_event"
    assert endpoint_spec(process_payment).meta["webhook"] == "transaction_callback"
    with pytest.raises(ImproperlyConfigured, match="non-empty string"):
        webhook(name=" ")
