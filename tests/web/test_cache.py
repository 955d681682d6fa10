"""Responses cached by the lake's snapshot ids: ETag and 304 until a snapshot lands."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from greenroom.lake import Lakehouse
from tests.web.conftest import web_settings

pytestmark = pytest.mark.slow

T = TypeVar("T")


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(main())` on a thread of its own: the browser tests' Playwright keeps an
    event loop running on the main thread of the test session."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def test_etag_revalidates_then_changes_when_a_snapshot_lands(
    client: TestClient, web_home: Path
) -> None:
    first = client.get("/api/health")
    etag = first.headers["etag"]
    assert first.json()["status"] == "ok"
    again = client.get("/api/health", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    lake = Lakehouse.open(web_settings(web_home))
    lake.create_table("ops.web_cache_probe", pa.schema([("n", pa.int64())]))
    lake.append("ops.web_cache_probe", pa.table({"n": [1]}))
    after = client.get("/api/health", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert after.json()["lake_version"] != first.json()["lake_version"]
    lake.drop_table("ops.web_cache_probe")


def test_cache_hits_serve_the_same_body(client: TestClient) -> None:
    cache = client.app.state.greenroom.cache  # type: ignore[attr-defined]
    a = client.get("/api/health")
    hits = cache.hits
    b = client.get("/api/health")
    assert cache.hits == hits + 1
    assert a.content == b.content


def test_lake_version_follows_every_commit(web_home: Path) -> None:
    lake = Lakehouse.open(web_settings(web_home))
    before = lake.versions()
    assert "silver.ticket_sales" in before
    lake.create_table("ops.web_version_probe", pa.schema([("n", pa.int64())]))
    lake.append("ops.web_version_probe", pa.table({"n": [1]}))
    after = lake.versions()
    assert {k for k in after if after[k] != before.get(k)} == {"ops.web_version_probe"}
    lake.drop_table("ops.web_version_probe")


def test_concurrent_misses_compute_once_and_share_the_body() -> None:
    import asyncio
    import threading

    from starlette.requests import Request

    from greenroom.web.cache import ResponseCache

    cache = ResponseCache(lambda: "v1")
    calls: list[int] = []
    release = threading.Event()

    def compute() -> dict[str, int]:
        calls.append(1)
        release.wait(5)  # hold the first computation until every request is waiting
        return {"n": 1}

    def request() -> Request:
        return Request(
            {"type": "http", "method": "GET", "path": "/api/x", "query_string": b"", "headers": []}
        )

    async def main() -> list[bytes]:
        tasks = [asyncio.create_task(cache.respond(request(), "p", compute)) for _ in range(5)]
        await asyncio.sleep(0.05)
        release.set()
        return [bytes((await t).body) for t in tasks]

    bodies = _run(main)
    assert calls == [1]
    assert bodies == [b'{"n":1}'] * 5
    assert cache.misses == 5 and cache.hits == 0  # one computation served all five


def test_a_failed_computation_fails_every_waiter_and_is_not_cached() -> None:
    import asyncio

    from starlette.requests import Request

    from greenroom.errors import UserError
    from greenroom.web.cache import ResponseCache

    cache = ResponseCache(lambda: "v1")

    def compute() -> dict[str, int]:
        raise UserError("nope")

    request = Request(
        {"type": "http", "method": "GET", "path": "/api/y", "query_string": b"", "headers": []}
    )

    async def main() -> list[BaseException | object]:
        return await asyncio.gather(
            *(cache.respond(request, "p", compute) for _ in range(3)), return_exceptions=True
        )

    results = _run(main)
    assert all(isinstance(r, UserError) for r in results)
    assert cache.misses == 0
