"""The same list over REST: 20 books, each with its author, in two queries."""

from __future__ import annotations

from sqlalchemy import select

from framework.web import Controller, get

from .models import Author, Book


class BookController(Controller):
    @get("/hello")
    async def hello(self, request):
        return "Hello, World!"

    @get("/books")
    async def books(self, request):
        books = (await request.db.scalars(select(Book).order_by(Book.id).limit(20))).all()
        ids = {book.author_id for book in books}
        authors = await request.db.scalars(select(Author).where(Author.id.in_(ids)))
        names = {author.id: author.name for author in authors}
        return [
            {"id": book.id, "title": book.title, "author": {"name": names[book.author_id]}}
            for book in books
        ]
