"""Responses that depend only on the lake's state, cached by its snapshot ids.

The lake's version is a digest of every table's current metadata location (one catalog
query, well under a millisecond): it changes exactly when a snapshot lands anywhere, and
then every cached body is stale. The ETag is the digest of that version, the principal and
the request, so a client revalidates with `If-None-Match` and gets 304 until data changes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse


class LakeVersion:
    def __init__(self, lake: Lakehouse) -> None:
        self._lake = lake

    def __call__(self) -> str:
        versions = self._lake.versions()
        text = "\n".join(f"{k}={v}" for k, v in sorted(versions.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class ResponseCache:
    """An LRU of serialised JSON bodies keyed by (principal, request), tagged by version."""

    def __init__(self, version: Callable[[], str], *, size: int = 512) -> None:
        self.version = version
        self._size = size
        self._items: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, asyncio.Future[bytes]] = {}
        self.hits = 0
        self.misses = 0

    async def respond(
        self, request: Request, principal: Hashable, compute: Callable[[], Any]
    ) -> Response:
        """The cached body for this request and principal, or `compute()`'s, with an ETag.

        Hits and revalidations are answered on the event loop (no thread hop); a miss runs
        `compute` in the threadpool, once per key and version however many requests ask
        for it at the same moment (the others wait for that one result)."""
        version = self.version()
        target = request.url.path + "?" + str(request.query_params)
        key = (principal, target)
        etag = '"' + hashlib.sha256(repr((version, key)).encode()).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        with self._lock:
            cached = self._items.get(key)
            if cached is not None and cached[0] == version:
                self._items.move_to_end(key)
                self.hits += 1
                return Response(cached[1], media_type="application/json", headers=headers)
        body = await self._compute_once((version, key), lambda: _dump(compute()))
        with self._lock:
            self.misses += 1
            self._items[key] = (version, body)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return Response(body, media_type="application/json", headers=headers)

    async def _compute_once(self, flight: Hashable, compute: Callable[[], bytes]) -> bytes:
        running = self._flights.get(flight)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)
        self._flights[flight] = future
        try:
            body = await run_in_threadpool(compute)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        else:
            future.set_result(body)
            return body
        finally:
            del self._flights[flight]


def _retrieve(future: asyncio.Future[bytes]) -> None:
    """Mark a failed flight's error as seen: the request that ran it reports it."""
    if not future.cancelled():
        future.exception()


def _etags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def _dump(value: Any) -> bytes:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump_json().encode()
    from fastapi.encoders import jsonable_encoder

    return json.dumps(jsonable_encoder(value), separators=(",", ":")).encode()
