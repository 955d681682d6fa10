"""Venue popularity next quarter: bookings and revenue with intervals, and the rank change."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from greenroom.insights.forecast import TrainedForecaster, train_forecaster
from greenroom.insights.forecast.venues import (
    VENUE_FORECAST_SCHEMA,
    forecast_venue_popularity,
    next_quarter,
)
from greenroom.lake import Lakehouse
from greenroom.lake.session import Session
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 10, 1)),
        (dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        (dt.date(2026, 11, 15), dt.date(2027, 1, 1), dt.date(2027, 4, 1)),
    ],
)
def test_next_quarter(today: dt.date, start: dt.date, end: dt.date) -> None:
    assert next_quarter(today) == (start, end)


def test_every_venue_with_shows_next_quarter_once_with_ordered_bounds(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    got = forecast_venue_popularity(messy_reader, forecaster)
    assert got.schema == VENUE_FORECAST_SCHEMA
    start, end = next_quarter(forecaster.today)
    want = messy_reader.sql(
        "SELECT venue_id, count(*) AS n FROM silver.concerts WHERE status = 'scheduled' "
        "AND CAST(event_date AS DATE) >= ? AND CAST(event_date AS DATE) < ? GROUP BY 1",
        [start, end],
    )
    assert dict(zip(got["venue_id"].to_pylist(), got["scheduled"].to_pylist(), strict=True)) == (
        dict(zip(want["venue_id"].to_pylist(), want["n"].to_pylist(), strict=True))
    )
    rows = got.to_pylist()
    for r in rows:
        # the expected bookings may sit below a binomial's 10 % quantile (one show, 97 % kept)
        assert r["bookings_low_80"] <= r["bookings_high_80"] <= r["scheduled"]
        assert r["bookings"] <= r["scheduled"]
        assert r["revenue_low_80"] <= r["revenue"] <= r["revenue_high_80"]
        if r["current_rank"] is not None:
            assert r["rank_change"] == r["current_rank"] - r["predicted_rank"]
    assert sorted(r["predicted_rank"] for r in rows) == list(range(1, len(rows) + 1))
    by_tickets = sorted(rows, key=lambda r: -r["tickets"])
    assert by_tickets[0]["predicted_rank"] == 1


def test_a_past_quarter_backtest_beats_last_years_quarter(demo_world: BuiltWorld) -> None:
    """Trained before 2025-Q4, forecast its venues' revenue, scored on what they took."""
    origin, end = dt.date(2025, 10, 1), dt.date(2026, 1, 1)
    with Lakehouse.open(demo_world.settings).session() as reader:
        model = train_forecaster(reader, origin)
        got = forecast_venue_popularity(
            reader, model, (origin, end), concerts="c.status <> 'cancelled'"
        )
        reader.register("vf", got)
        scored = reader.sql(
            """SELECT v.revenue, v.revenue_low_80 AS lo, v.revenue_high_80 AS hi,
                 coalesce(sum(c.revenue) FILTER (WHERE c.event_date >= ? AND c.event_date < ?), 0)
                   AS actual,
                 coalesce(sum(c.revenue) FILTER (WHERE c.event_date >= ? - INTERVAL 1 YEAR
                                                   AND c.event_date < ? - INTERVAL 1 YEAR), 0)
                   AS last_year
               FROM vf v LEFT JOIN silver.concerts c
                 ON c.venue_id = v.venue_id AND c.status = 'completed'
               GROUP BY ALL""",
            [origin, end, origin, end],
        )
    actual = np.asarray(scored["actual"].to_pylist(), dtype=float)
    mae = np.mean(np.abs(actual - np.asarray(scored["revenue"].to_pylist(), dtype=float)))
    naive = np.mean(np.abs(actual - np.asarray(scored["last_year"].to_pylist(), dtype=float)))
    lo = np.asarray(scored["lo"].to_pylist(), dtype=float)
    hi = np.asarray(scored["hi"].to_pylist(), dtype=float)
    coverage = np.mean((actual >= lo) & (actual <= hi))
    assert mae < 0.6 * naive  # measured: 9.4k against 29.7k
    assert 0.65 <= coverage <= 0.97  # measured: 0.82
