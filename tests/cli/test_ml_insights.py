"""`greenroom ml train|recommend|trends` on a copy of the tiny messy lake: a trained
recommender serves, recommends only upcoming concerts with reasons, and trends speak in
figures that match the lake."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from greenroom.cli.ml import app
from greenroom.config import Settings, reset_settings
from greenroom.errors import GreenroomError
from greenroom.insights.registry import ModelRegistry
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("ml") / "home"
    shutil.copytree(messy_world.settings.home, home)
    return home


@pytest.fixture(autouse=True)
def _env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_HOME", str(home))
    reset_settings()


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def test_train_registers_a_serving_recommender_then_recommends(home: Path) -> None:
    trained = _run("train", "recommender")
    assert [(t["model"], t["version"], t["status"]) for t in trained] == [
        ("recommender", 1, "serving")
    ]
    assert 0 < trained[0]["value"] <= 1 and "popularity.hit_rate@10" in trained[0]["metrics"]
    lake = Lakehouse.open(Settings(home=home))
    version = ModelRegistry(lake).serving("recommender")
    assert version is not None and set(version.snapshots) >= {"silver.ticket_sales"}

    genre = (
        lake.session()
        .sql(
            "SELECT g FROM (SELECT unnest(genres) AS g FROM silver.artists) GROUP BY g "
            "ORDER BY count(*) DESC LIMIT 1"
        )["g"][0]
        .as_py()
    )
    found = _run("recommend", "--genre", genre, "--limit", "5")
    assert 0 < len(found) <= 5 and all(r["reason"] for r in found)
    today = Settings(home=home).today.isoformat()
    assert all(r["date"][:10] > today for r in found)  # only upcoming concerts
    scheduled = lake.session().sql(
        "SELECT concert_id FROM silver.concerts WHERE status = 'scheduled'"
    )
    assert {r["concert_id"] for r in found} <= set(scheduled["concert_id"].to_pylist())

    result = CliRunner().invoke(app, ["recommend", "--customer", "cus_nobody"])
    assert isinstance(result.exception, GreenroomError)
    assert "cus_nobody" in str(result.exception)


def test_trends_speak_in_the_lakes_figures(home: Path) -> None:
    out = _run("trends", "--period", "last_12_months", "--metric", "revenue")
    assert out["insights"] and out["insights"][0].startswith("Revenue ")
    lake = Lakehouse.open(Settings(home=home))
    start, end = out["period"]
    revenue = (
        lake.session()
        .sql(
            "SELECT sum(s.quantity * s.unit_price) AS r FROM silver.ticket_sales s "
            "JOIN silver.concerts c USING (concert_id) WHERE c.status <> 'cancelled' "
            "AND c.event_date >= CAST(? AS DATE) AND c.event_date < CAST(? AS DATE)",
            [start, end],
        )["r"][0]
        .as_py()
    )
    columns = out["growth"]["columns"]
    totals = [
        dict(zip(columns, row, strict=True))
        for row in out["growth"]["rows"]
        if row[columns.index("dimension")] == "total"
    ]
    assert len(totals) == 1 and totals[0]["value_now"] == pytest.approx(revenue)
    result = CliRunner().invoke(app, ["trends", "--period", "2099"])
    assert isinstance(result.exception, GreenroomError)
    assert result.exception.code == "trends_future_period"


def test_train_the_forecaster_then_predict_and_check_drift(home: Path) -> None:
    from greenroom.insights.train import FORECAST_DRIFT_FEATURES

    trained = _run("train", "ticket_sales_forecast")
    assert trained[0]["status"] == "serving" and trained[0]["value"] > 0
    lake = Lakehouse.open(Settings(home=home))
    artist, venue = (
        lake.session()
        .sql("SELECT artist_id, venue_id FROM silver.concerts WHERE status = 'scheduled' LIMIT 1")
        .to_pylist()[0]
        .values()
    )
    found = _run("predict", "--artist", artist, "--venue", venue, "--date", "2026-09-12")
    assert found["lower_95"] <= found["lower_80"] <= found["predicted_value"]
    assert found["predicted_value"] <= found["upper_80"] <= found["upper_95"]
    assert 0 <= found["confidence_score"] <= 1
    assert found["low_confidence"] is (found["confidence_score"] < 0.70)

    result = CliRunner().invoke(
        app, ["predict", "--artist", "zz", "--venue", venue, "--date", "2026-09-12"]
    )
    assert isinstance(result.exception, GreenroomError)
    assert result.exception.code == "forecast_unknown_artist" and "closest" in str(result.exception)

    result = CliRunner().invoke(app, ["drift", "ticket_sales_forecast", "--json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert set(report["psi"]) == set(FORECAST_DRIFT_FEATURES)
    assert report["needs_retrain"] is (result.exit_code == 1)
