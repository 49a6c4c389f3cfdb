"""The {{ cookiecutter.app_name }} API: create, list, show, replace and delete items.

`python manage.py routes --app {{ cookiecutter.app_name }}` lists the routes; the OpenAPI
document (/openapi.json, /docs) describes them from the decorators below.
"""

from __future__ import annotations

from typing import Any

from framework.io import expect, input, output
from framework.web import Controller, Request, abort, delete, get, post, put

from .models import Item
from .schemas import ItemIn, ItemOut, Paging

NOT_FOUND = {404: "No item has this id"}


async def item_or_404(item_id: int) -> Item:
    """Return the item *item_id*, or answer 404."""
    item = await Item.get(item_id) if item_id < 2**63 else None
    if item is None:
        abort(404, f"No item has the id {item_id}.")
    return item


class ItemController(Controller):
    """Items of the {{ cookiecutter.app_name }} app."""

    path = "/{{ cookiecutter.app_name }}/items"

    @get("/")
    @input(Paging, location="query")
    @output(ItemOut, paginated=True)
    async def index(self, request: Request, query: Paging) -> Any:
        """List items, oldest first, a page at a time."""
        return await Item.query().order_by("id").paginate(query.page, query.per_page)

    @post("/")
    @input(ItemIn)
    @output(ItemOut, status_code=201)
    async def create(self, request: Request, data: ItemIn) -> Any:
        """Add an item."""
        return await Item.create(**data.model_dump())

    @get("/{id:int}")
    @output(ItemOut)
    @expect(NOT_FOUND)
    async def show(self, request: Request, id: int) -> Any:
        """Show one item."""
        return await item_or_404(id)

    @put("/{id:int}")
    @input(ItemIn)
    @output(ItemOut)
    @expect(NOT_FOUND)
    async def update(self, request: Request, id: int, data: ItemIn) -> Any:
        """Replace an item's name and description."""
        item = await item_or_404(id)
        return await item.patch(**data.model_dump())

    @delete("/{id:int}")
    @expect({204: "Deleted", **NOT_FOUND})
    async def remove(self, request: Request, id: int) -> None:
        """Delete an item."""
        item = await item_or_404(id)
        await item.destroy()
