"""FastAPI, as its docs recommend: pydantic models, a session dependency, response models."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from common import DB_URL, PAGE
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import PlainTextResponse
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


async def get_session() -> AsyncIterator[AsyncSession]:
    async with Session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/hello", response_class=PlainTextResponse)
async def hello() -> str:
    return "Hello, World!"


@app.get("/json")
async def json_endpoint() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.get("/users", response_model=list[UserOut])
async def users(session: SessionDep) -> list[User]:
    return list((await session.scalars(select(User).order_by(User.id).limit(PAGE))).all())


@app.get("/users/{user_id}", response_model=UserOut)
async def user(user_id: int, session: SessionDep) -> User:
    found = await session.get(User, user_id)
    if found is None:
        raise HTTPException(status_code=404, detail="Not found")
    return found


@app.post("/items", status_code=201)
async def items(item: Item) -> Item:
    return item
