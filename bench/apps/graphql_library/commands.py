"""``manage.py library-seed``: 20 authors with one book each."""

from __future__ import annotations

import click


@click.command("library-seed")
async def library_seed() -> None:
    """Fill the library with 20 authors and their books (once)."""
    from framework import db

    from .models import Author, Book

    async with db.session():
        if await Book.query().count():
            return
        for number in range(20):
            author = await Author.create(name=f"Author {number}")
            await Book.create(title=f"Book {number}", author_id=author.id)
