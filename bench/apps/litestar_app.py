"""Litestar, as its docs recommend: handlers, dependency-provided session, DTO-free models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from common import DB_URL, PAGE
from litestar import Litestar, MediaType, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine(DB_URL)
Session = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    email: str


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


async def provide_session() -> AsyncIterator[AsyncSession]:
    async with Session() as session:
        yield session


@get("/hello", media_type=MediaType.TEXT)
async def hello() -> str:
    return "Hello, World!"


@get("/json")
async def json_endpoint() -> dict[str, str]:
    return {"message": "Hello, World!"}


@get("/users")
async def users(db: AsyncSession) -> list[UserOut]:
    rows = (await db.scalars(select(User).order_by(User.id).limit(PAGE))).all()
    return [UserOut.model_validate(row) for row in rows]


@get("/users/{user_id:int}")
async def user(user_id: int, db: AsyncSession) -> UserOut:
    found = await db.get(User, user_id)
    if found is None:
        raise NotFoundException("Not found")
    return UserOut.model_validate(found)


@post("/items")
async def items(data: Item) -> Item:
    return data


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = Litestar(
    route_handlers=[hello, json_endpoint, users, user, items],
    dependencies={"db": Provide(provide_session)},
    lifespan=[lifespan],
)
