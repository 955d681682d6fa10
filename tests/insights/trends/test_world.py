"""The trends engine on the tiny world: figures match CONTRACT.md, insights quote them."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pytest

from greenroom.insights.trends import (
    ANOMALY_SCHEMA,
    GROWTH_SCHEMA,
    UnknownMetricError,
    analyze_trends,
    trend_anomalies,
    trend_growth,
)
from greenroom.insights.trends.insights import amount, percent
from greenroom.lake import Lakehouse
from greenroom.lake.session import Session
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

REVENUE = """
SELECT SUM(s.quantity * s.unit_price) FROM silver.ticket_sales s
JOIN silver.concerts c USING (concert_id)
WHERE c.status <> 'cancelled' AND c.event_date >= ? AND c.event_date < ?"""


def _session(world: BuiltWorld) -> Session:
    return Session(Lakehouse.open(world.settings))


def test_growth_totals_match_the_contract_definitions(clean_world: BuiltWorld) -> None:
    today = clean_world.settings.today
    with _session(clean_world) as reader:
        g = trend_growth(reader, "last_12_months", ["revenue", "concerts"], today=today)
        assert g.schema == GROWTH_SCHEMA
        revenue = g.filter(
            pc.and_(pc.equal(g["metric"], "revenue"), pc.equal(g["dimension"], "total"))
        )
        row = revenue.to_pylist()[0]
        now = (
            reader.sql(REVENUE, [dt.datetime(2025, 7, 1), dt.datetime(2026, 7, 1)])
            .column(0)[0]
            .as_py()
        )
        before = (
            reader.sql(REVENUE, [dt.datetime(2024, 7, 1), dt.datetime(2025, 7, 1)])
            .column(0)[0]
            .as_py()
        )
        assert row["value_now"] == pytest.approx(now)
        assert row["value_before"] == pytest.approx(before)
        by_genre = g.filter(
            pc.and_(pc.equal(g["metric"], "revenue"), pc.equal(g["dimension"], "genre"))
        )
        assert pc.sum(by_genre["value_now"]).as_py() == pytest.approx(now)
        assert set(g["dimension"].to_pylist()) == {
            "artist",
            "genre",
            "city",
            "country",
            "venue",
            "total",
        }


def test_insights_quote_the_computed_figures(clean_world: BuiltWorld) -> None:
    with _session(clean_world) as reader:
        a = analyze_trends(reader, "last_12_months", ["revenue"], today=clean_world.settings.today)
    total = a.growth.filter(pc.equal(a.growth["dimension"], "total")).to_pylist()[0]
    verb = "grew" if total["growth"] > 0 else "fell"
    first = a.insights[0]
    assert first.startswith(f"Revenue {verb} {percent(total['growth'])} year on year")
    assert amount("revenue", total["value_now"]) in first
    assert amount("revenue", total["value_before"]) in first
    assert ("; significant." if total["significant"] else "; not significant.") in first
    wd = a.seasonality["revenue"].weekday
    assert any(f"({wd.max():.2f}× an average day)" in line for line in a.insights)
    assert a.anomalies.schema == ANOMALY_SCHEMA


def test_anomaly_table_and_bad_metric_on_a_messy_world(messy_world: BuiltWorld) -> None:
    with _session(messy_world) as reader:
        t = trend_anomalies(reader, "2025", ["tickets"], today=messy_world.settings.today)
        assert t.schema == ANOMALY_SCHEMA
        assert all(abs(z) > 3.5 for z in t["robust_z"].to_pylist())
        with pytest.raises(UnknownMetricError, match="`revenue`"):
            analyze_trends(reader, "2025", ["profit"])
