"""The floor: hand-written Starlette + SQLAlchemy ORM, the way Starlette's docs show it."""

from __future__ import annotations

import contextlib

from common import DB_URL, PAGE
from pydantic import BaseModel, ValidationError
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

engine = create_async_engine(DB_URL)
Session = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


def user_dict(user: User) -> dict[str, object]:
    return {"id": user.id, "name": user.name, "email": user.email}


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, World!")


async def json_endpoint(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, World!"})


async def users(request: Request) -> JSONResponse:
    async with Session() as session:
        rows = (await session.scalars(select(User).order_by(User.id).limit(PAGE))).all()
    return JSONResponse([user_dict(user) for user in rows])


async def user(request: Request) -> JSONResponse:
    async with Session() as session:
        found = await session.get(User, request.path_params["id"])
    if found is None:
        return JSONResponse({"detail": "Not found"}, status_code=404)
    return JSONResponse(user_dict(found))


async def items(request: Request) -> JSONResponse:
    try:
        item = Item.model_validate_json(await request.body())
    except ValidationError as exc:
        return JSONResponse({"detail": exc.errors(include_url=False)}, status_code=422)
    return JSONResponse(item.model_dump(), status_code=201)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    yield
    await engine.dispose()


app = Starlette(
    routes=[
        Route("/hello", hello),
        Route("/json", json_endpoint),
        Route("/users", users),
        Route("/users/{id:int}", user),
        Route("/items", items, methods=["POST"]),
    ],
    lifespan=lifespan,
)
