"""Forecasts and Recommendations: the API returns the forecast table's rows, the pages
render them, a lake without the table or the model says what to run, and a venue partner
sees only its venues' forecasts (or a clean refusal when the policy does not grant them).

One fresh tiny lake of this module's own (the shared worlds are never written): its
"before" state (no forecast table, no model) is captured first, then a forecast table with
known rows is created and a recommender is trained and registered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from fastapi.testclient import TestClient

from greenroom.governance.policy.store import PolicyStore
from greenroom.governance.principals import ADMIN
from greenroom.governance.session import governed_session
from greenroom.governance.tokens import TokenStore
from greenroom.insights.jobs import FORECAST_SCHEMA
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld, _build_world
from tests.web.conftest import ADMIN_TOKEN, web_settings
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.slow

ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TABLE = "gold.ticket_sales_forecast"
SCHEMA = FORECAST_SCHEMA  # the gold table the pipeline writes


@dataclass(frozen=True)
class Lake:
    world: BuiltWorld
    rows: list[dict[str, Any]]
    """The latest forecast row of each concert written (what the API must return)."""
    before_forecasts: dict[str, Any]
    before_recommendations: dict[str, Any]
    before_pages: tuple[str, str]


def _client(home: Path) -> TestClient:
    from greenroom.web.app import create_app

    return TestClient(create_app(web_settings(home)))


def _forecast_rows(lake: Lakehouse, today: dt.date) -> tuple[list[dict[str, Any]], pa.Table]:
    with governed_session(lake, ADMIN) as reader:
        shows = reader.sql(
            "SELECT concert_id, artist_id, venue_id, CAST(event_date AS DATE) AS show_date "
            "FROM silver.concerts WHERE status = 'scheduled' ORDER BY event_date, concert_id "
            "LIMIT 4"
        ).to_pylist()
    assert len({s["venue_id"] for s in shows}) >= 2, shows
    at = dt.datetime.combine(today, dt.time(3), dt.UTC)
    latest = []
    for i, s in enumerate(shows):
        p = 100.0 + 10 * i
        latest.append(
            {
                **s,
                "predicted_value": p,
                "lower_80": p - 20,
                "upper_80": p + 20,
                "lower_95": p - 35,
                "upper_95": p + 40,
                "confidence_score": 0.9 - 0.2 * i,
                "low_confidence": i == 2,
                "sold_so_far": 10.0 * i,
                "actual_value": None,
                "model_version": 3,
                "prediction_date": today,
                "calculated_at": at,
            }
        )
    stale = {**latest[0], "predicted_value": 999.0, "model_version": 2,
             "prediction_date": today - dt.timedelta(days=7),
             "calculated_at": at - dt.timedelta(days=7)}  # fmt: skip
    return latest, pa.Table.from_pylist([*latest, stale], schema=SCHEMA)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    from greenroom.insights.train import train

    world = _build_world(tmp_path_factory.mktemp("insights-web"), clean=True)
    home = world.settings.home
    with _client(home) as c:
        before_f = c.get("/api/insights/forecasts", headers=ADMIN_HEADERS).json()
        before_r = c.get("/api/insights/recommendations?genre=rock", headers=ADMIN_HEADERS).json()
        sign_in(c)
        pages = (c.get("/forecasts").text, c.get("/recommendations?genre=rock").text)
    lake = Lakehouse.open(world.settings)
    rows, table = _forecast_rows(lake, world.settings.today)
    lake.create_table(TABLE, SCHEMA)
    lake.append(TABLE, table)
    train(lake, world.settings, "recommender")
    return Lake(world, rows, before_f, before_r, pages)


@pytest.fixture
def client(built: Lake) -> Iterator[TestClient]:
    with _client(built.world.settings.home) as c:
        yield c


def test_without_the_table_or_a_model_the_api_and_pages_say_what_to_run(built: Lake) -> None:
    f = built.before_forecasts
    assert f["available"] is False and f["items"] == [] and f["total"] == 0
    assert "`greenroom ml train` then `greenroom pipeline run`" in f["message"]
    r = built.before_recommendations
    assert r["available"] is False and r["items"] == []
    assert "`greenroom ml train" in r["message"]
    forecasts_page, recommendations_page = built.before_pages
    assert "no forecasts yet: run `greenroom ml train`" in forecasts_page.replace("&#96;", "`")
    assert 'class="error"' not in forecasts_page
    assert "greenroom ml train recommender" in recommendations_page
    assert 'class="error"' not in recommendations_page


def test_the_api_returns_the_latest_row_of_each_concert(client: TestClient, built: Lake) -> None:
    r = client.get("/api/insights/forecasts", headers=ADMIN_HEADERS)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["available"] is True and body["total"] == len(built.rows)
    got = {i["concert_id"]: i for i in body["items"]}
    lake = Lakehouse.open(built.world.settings)
    with governed_session(lake, ADMIN) as reader:
        names = {
            a["artist_id"]: a["name"]
            for a in reader.sql("SELECT artist_id, name FROM silver.artists").to_pylist()
        }
        venues = {
            v["venue_id"]: v["name"]
            for v in reader.sql("SELECT venue_id, name FROM silver.venues").to_pylist()
        }
    for row in built.rows:
        item = got[row["concert_id"]]
        for key in ("predicted_value", "lower_80", "upper_80", "lower_95", "upper_95",
                    "confidence_score", "low_confidence", "sold_so_far", "model_version"):  # fmt: skip
            assert item[key] == row[key], key
        assert item["show_date"] == row["show_date"].isoformat()
        assert item["prediction_date"] == row["prediction_date"].isoformat()
        assert item["artist"] == names[row["artist_id"]]
        assert item["venue"] == venues[row["venue_id"]]
        assert item["progress"] == pytest.approx(row["sold_so_far"] / row["predicted_value"])
    assert 999.0 not in [i["predicted_value"] for i in body["items"]]  # the stale forecast
    assert r.headers["ETag"]
    again = client.get(
        "/api/insights/forecasts", headers={**ADMIN_HEADERS, "If-None-Match": r.headers["ETag"]}
    )
    assert again.status_code == 304


def test_forecasts_filter_like_the_other_pages(client: TestClient, built: Lake) -> None:
    low = client.get("/api/insights/forecasts?low_confidence=true", headers=ADMIN_HEADERS).json()
    assert [i["concert_id"] for i in low["items"]] == [built.rows[2]["concert_id"]]
    first = built.rows[0]
    day = first["show_date"].isoformat()
    dated = client.get(
        f"/api/insights/forecasts?date_from={day}&date_to={day}", headers=ADMIN_HEADERS
    ).json()
    assert first["concert_id"] in {i["concert_id"] for i in dated["items"]}
    assert all(i["show_date"] == day for i in dated["items"])
    paged = client.get("/api/insights/forecasts?limit=1&offset=1", headers=ADMIN_HEADERS).json()
    assert paged["total"] == len(built.rows) and len(paged["items"]) == 1
    bad = client.get("/api/insights/forecasts?channel=online", headers=ADMIN_HEADERS)
    assert bad.status_code == 422  # a forecast is per show: no channel
    assert set(bad.json()) >= {"error_code", "error_message", "correlation_id"}


def test_the_forecasts_page_renders_the_rows(client: TestClient, built: Lake) -> None:
    sign_in(client)
    r = client.get("/forecasts")
    assert r.status_code == 200
    assert 'class="error"' not in r.text
    assert "data-chart-block" in r.text and 'id="forecast-table"' in r.text
    assert f"{len(built.rows)} scheduled concerts" in r.text
    assert "(low)" in r.text  # the low-confidence flag
    low = client.get("/forecasts?low_confidence=true").text
    assert "1 scheduled concerts under these filters" in low
    assert 'value="true" selected' in low


def test_recommendations_by_customer_and_by_tastes(client: TestClient, built: Lake) -> None:
    lake = Lakehouse.open(built.world.settings)
    with governed_session(lake, ADMIN) as reader:
        customer = (
            reader.sql(
                "SELECT customer_id FROM silver.ticket_sales GROUP BY 1 ORDER BY count(*) DESC, 1 "
                "LIMIT 1"
            )
            .column(0)[0]
            .as_py()
        )
        genre = (
            reader.sql(
                "SELECT primary_genre FROM silver.artists GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
            )
            .column(0)[0]
            .as_py()
        )
    mine = client.get(
        f"/api/insights/recommendations?customer={customer}&limit=5", headers=ADMIN_HEADERS
    )
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["available"] is True and body["model_version"] >= 1
    assert 0 < len(body["items"]) <= 5 and all(i["reason"] for i in body["items"])
    tastes = client.get(f"/api/insights/recommendations?genre={genre}", headers=ADMIN_HEADERS)
    assert tastes.status_code == 200 and tastes.json()["items"], tastes.text
    empty = client.get("/api/insights/recommendations", headers=ADMIN_HEADERS)
    assert empty.status_code == 400 and empty.json()["error_code"] == "empty_preferences"
    unknown = client.get("/api/insights/recommendations?customer=cus_nobody", headers=ADMIN_HEADERS)
    assert unknown.status_code == 400 and unknown.json()["error_code"] == "unknown_customer"
    sign_in(client)
    page = client.get(f"/recommendations?customer={customer}")
    assert page.status_code == 200 and 'id="recommendation-table"' in page.text
    assert body["items"][0]["reason"] in page.text.replace("&#39;", "'").replace("&amp;", "&")
    said = client.get("/recommendations?customer=cus_nobody").text
    assert 'class="error" role="alert"' in said and "cus_nobody" in said


def _policy(home: Path, grant: bool) -> None:
    """The built-in policy with partners granted gold.ticket_sales_forecast (own venues) or
    not granted it, whatever the built-in policy says today."""
    doc = yaml.safe_load(PolicyStore(Path("/nonexistent")).load().text)
    for s in doc["statements"]:
        if s["sid"] == "partners-read-own-venues":
            s["resources"] = [r for r in s["resources"] if r != TABLE] + ([TABLE] if grant else [])
    for g in doc["grants"]:
        if g["sid"] == "partners-own-venues":
            g["tables"] = [t for t in g["tables"] if t != TABLE] + ([TABLE] if grant else [])
    path = home / "governance" / "policies.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False) + ("# granted\n" if grant else ""))


def test_a_venue_partner_sees_only_its_venues_or_a_clean_refusal(
    client: TestClient, built: Lake
) -> None:
    home = built.world.settings.home
    own = built.rows[0]["venue_id"]
    store = TokenStore(home)
    store.add_principal("stage-door", "venue_partner", {"venue_ids": own})
    token = store.create("stage-door", "venue_partner").token
    headers = {"Authorization": f"Bearer {token}"}
    try:
        _policy(home, grant=False)
        refused = client.get("/api/insights/forecasts", headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error_code"] == "table_access_denied"
        sign_in(client, token)
        page = client.get("/forecasts")
        assert page.status_code == 200
        assert re.search(r'class="error" role="alert" data-refused>[^<]*may not read', page.text)

        _policy(home, grant=True)
        allowed = client.get("/api/insights/forecasts", headers=headers)
        assert allowed.status_code == 200, allowed.text
        mine = {r["concert_id"] for r in built.rows if r["venue_id"] == own}
        assert {i["concert_id"] for i in allowed.json()["items"]} == mine
        assert client.get("/forecasts").status_code == 200
    finally:
        (home / "governance" / "policies.yaml").unlink(missing_ok=True)
