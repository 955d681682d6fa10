"""Venue popularity next quarter: bookings and revenue with intervals, and the rank change.

The seed's venue popularity prediction, built on the ticket-sales forecaster:

- **bookings**: the venue's concerts scheduled in the quarter are known in advance; some
  will be cancelled. With ``p`` the share of concerts cancelled before `today`, bookings are
  binomial(n, 1 − p): the expected value and its 80 % interval.
- **tickets and revenue**: each scheduled concert's forecast (``forecast_concerts``) times
  its mean ticket price (the mean of its price tiers), summed per venue; the interval sums
  the concerts' 80 % bounds — the comonotonic (widest) combination, so it over-covers
  rather than under-covers when the concerts' errors are not perfectly related.
- **rank**: the venue's current popularity rank (``gold.venue_popularity``: tickets per
  year at completed concerts) against its rank by forecast tickets next quarter; the
  change is ``current − predicted`` (positive: moving up).

All of it is set-based: one SQL query joins the forecasts (registered as an Arrow table)
with the concerts and aggregates per venue.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from greenroom.insights.forecast.backtest import forecast_concerts
from greenroom.insights.forecast.model import TrainedForecaster
from greenroom.lake.reader import Reader

FORECASTS = "venue_quarter_forecasts"

VENUE_FORECAST_SCHEMA = pa.schema(
    [
        ("venue_id", pa.string()),
        ("name", pa.string()),
        ("quarter_start", pa.date32()),
        ("quarter_end", pa.date32()),  # exclusive
        ("scheduled", pa.int64()),
        ("bookings", pa.float64()),  # expected after cancellations
        ("bookings_low_80", pa.float64()),
        ("bookings_high_80", pa.float64()),
        ("tickets", pa.float64()),
        ("revenue", pa.float64()),
        ("revenue_low_80", pa.float64()),
        ("revenue_high_80", pa.float64()),
        ("current_rank", pa.int64()),
        ("predicted_rank", pa.int64()),
        ("rank_change", pa.int64()),  # current − predicted: positive moves up
    ]
)


def next_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter after the one holding `today`: [start, end)."""
    first_month = ((today.month - 1) // 3 + 1) * 3 + 1
    year = today.year + (first_month > 12)
    first_month = (first_month - 1) % 12 + 1
    start = dt.date(year, first_month, 1)
    end_month = first_month + 3
    end = dt.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, end


_SQL = """
WITH f AS (
    SELECT f.*, c.venue_id,
           list_avg(map_values(c.ticket_prices))::DOUBLE AS mean_price
    FROM {forecasts} f JOIN silver.concerts c USING (concert_id)
), quarter AS (
    SELECT venue_id, count(*)::BIGINT AS scheduled,
           sum(predicted_value) AS tickets,
           sum(predicted_value * coalesce(mean_price, 0)) AS revenue,
           sum(lower_80 * coalesce(mean_price, 0)) AS revenue_low_80,
           sum(upper_80 * coalesce(mean_price, 0)) AS revenue_high_80
    FROM f GROUP BY venue_id
)
SELECT q.*, v.name, p.popularity_rank::BIGINT AS current_rank
FROM quarter q LEFT JOIN gold.venue_popularity p USING (venue_id)
LEFT JOIN silver.venues v USING (venue_id)
ORDER BY q.venue_id
"""


def forecast_venue_popularity(
    reader: Reader,
    model: TrainedForecaster,
    quarter: tuple[dt.date, dt.date] | None = None,
    *,
    concerts: str = "c.status = 'scheduled'",
) -> pa.Table:
    """Next quarter (or `quarter`) per venue with scheduled concerts: `VENUE_FORECAST_SCHEMA`.

    `concerts` chooses the concerts forecast (SQL over alias ``c``); a backtest passes
    ``c.status <> 'cancelled'`` with a model trained before a past quarter."""
    from scipy.stats import binom

    start, end = quarter or next_quarter(model.today)
    forecasts = forecast_concerts(
        reader,
        model,
        f"({concerts}) AND CAST(c.event_date AS DATE) >= ? AND CAST(c.event_date AS DATE) < ?",
        [start, end],
    ).select(["concert_id", "predicted_value", "lower_80", "upper_80"])
    reader.register(FORECASTS, forecasts)
    rows = reader.sql(_SQL.format(forecasts=FORECASTS))
    cancelled = reader.sql(
        "SELECT avg(CASE WHEN status = 'cancelled' THEN 1.0 ELSE 0.0 END) AS p "
        "FROM silver.concerts WHERE CAST(event_date AS DATE) < ?",
        [model.today],
    )["p"][0].as_py()
    keep = 1.0 - float(cancelled or 0.0)
    n = np.asarray(rows["scheduled"].to_numpy(zero_copy_only=False), dtype=np.int64)
    tickets = np.asarray(rows["tickets"].to_numpy(zero_copy_only=False), dtype=np.float64)
    predicted_rank = _rank(-tickets)
    current_rank = np.asarray(
        rows["current_rank"].fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    change = np.where(current_rank > 0, current_rank - predicted_rank, 0)
    return pa.table(
        {
            "venue_id": rows["venue_id"],
            "name": rows["name"],
            "quarter_start": pa.array([start] * rows.num_rows, pa.date32()),
            "quarter_end": pa.array([end] * rows.num_rows, pa.date32()),
            "scheduled": rows["scheduled"],
            "bookings": pa.array(n * keep, pa.float64()),
            "bookings_low_80": pa.array(binom.ppf(0.10, n, keep), pa.float64()),
            "bookings_high_80": pa.array(binom.ppf(0.90, n, keep), pa.float64()),
            "tickets": rows["tickets"],
            "revenue": rows["revenue"],
            "revenue_low_80": rows["revenue_low_80"],
            "revenue_high_80": rows["revenue_high_80"],
            "current_rank": pa.array([int(c) if c > 0 else None for c in current_rank], pa.int64()),
            "predicted_rank": pa.array(predicted_rank, pa.int64()),
            "rank_change": pa.array(
                [int(c) if r > 0 else None for c, r in zip(change, current_rank, strict=True)],
                pa.int64(),
            ),
        },
        schema=VENUE_FORECAST_SCHEMA,
    )


def _rank(values: np.ndarray) -> np.ndarray:
    """1 = smallest value (ties in a stable order)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks
