"""Routes the load and fault scripts hit: a write, a read, a held answer, an upload."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from framework.web import Controller, get, post

from .models import Entry

#: How many ``/slow`` requests are being answered right now.
IN_FLIGHT = {"slow": 0}


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
        """Answer once the file ROBUST_RELEASE_FILE names exists (at most after 60 s)."""
        release = Path(os.environ.get("ROBUST_RELEASE_FILE", "/nonexistent"))
        IN_FLIGHT["slow"] += 1
        try:
            for _ in range(1200):
                if release.exists():
                    break
                await asyncio.sleep(0.05)
            return {"released": release.exists()}
        finally:
            IN_FLIGHT["slow"] -= 1

    @get("/slow/in-flight")
    async def slow_in_flight(self, request):
        return {"in flight": IN_FLIGHT["slow"]}

    @post("/upload", max_body_size=1024 * 1024)
    async def upload(self, request):
        return {"size": len(await request.body())}
