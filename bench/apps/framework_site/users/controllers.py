"""The benchmark's endpoints, written as the framework's docs show."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from framework.cache import cache_page
from framework.web import Controller, abort, get, post

from .models import User


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class BenchController(Controller):
    path = "/"

    @get("/hello")
    async def hello(self, request):
        return "Hello, World!"

    @get("/json")
    async def json(self, request):
        return {"message": "Hello, World!"}

    @get("/users")
    async def users(self, request):
        return [user.to_dict() for user in await User.query().order_by(User.id).limit(20).all()]

    @get("/users/values")
    async def users_values(self, request):
        """``/users`` without ORM objects: the columns the answer needs, as dicts."""
        return await User.query().order_by(User.id).limit(20).values("id", "name", "email").all()

    @get("/users/cached")
    @cache_page(60)
    async def users_cached(self, request):
        """``/users`` behind ``@cache_page`` (bench/cache_page.py measures hit and miss)."""
        return [user.to_dict() for user in await User.query().order_by(User.id).limit(20).all()]

    @get("/users/{id:int}")
    async def user(self, request, id: int):
        user = await User.get(id)
        if user is None:
            abort(404, detail="Not found")
        return user.to_dict()

    @post("/items")
    async def items(self, request):
        try:
            item = Item.model_validate_json(await request.body())
        except ValidationError as exc:
            abort(422, detail=str(exc))
        return item.model_dump(), 201
