"""Responses cached by the lake's snapshot ids: ETag and 304 until a snapshot lands."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from greenroom.lake import Lakehouse
from tests.web.conftest import web_settings

pytestmark = pytest.mark.slow


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
