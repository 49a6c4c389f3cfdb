"""Routes the load and fault scripts hit: a write, a read, a slow answer, an upload."""

from __future__ import annotations

import asyncio

from framework.web import Controller, get, post

from .models import Entry


class LedgerController(Controller):
    path = "/"

    @post("/entries/{key}")
    async def write(self, request, key: str):
        entry = await Entry.create(key=key)
        return {"id": entry.id, "key": entry.key}

    @get("/entries")
    async def read(self, request):
        return {"count": await Entry.query().count()}

    @get("/slow")
    async def slow(self, request):
        await asyncio.sleep(float(request.query_params.get("seconds", "2")))
        return {"slept": True}

    @post("/upload", max_body_size=1024 * 1024)
    async def upload(self, request):
        return {"size": len(await request.body())}
