"""Daily series of a metric (zero-filled) and what `series` finds in them."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from greenroom.insights.trends import series
from greenroom.insights.trends.period import Period
from greenroom.insights.trends.sql import FIRST_DAY_SQL, Metric, daily_sql

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

_EPOCH = np.datetime64("1970-01-01", "D")


def daily_values(
    reader: Reader, metric: Metric, start: dt.date, end: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """Every day in ``[start, end)`` (numpy ``datetime64[D]``) and the metric's total."""
    t = reader.sql(daily_sql(metric), [start, end])
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
    values = np.zeros(days.size)
    if t.num_rows:
        seen = t.column("day").to_numpy(zero_copy_only=False).astype("datetime64[D]")
        values[(seen - days[0]).astype(np.int64)] = t.column("value").to_numpy(zero_copy_only=False)
    return days, values


def calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Month (1–12) and weekday (0 = Monday) of ``datetime64[D]`` days."""
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    weekdays = ((days - _EPOCH).astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return months, weekdays


def history_start(reader: Reader, period: Period) -> dt.date:
    """The first non-cancelled event day, at most two years before the comparison period."""
    first: dt.date | None = reader.sql(FIRST_DAY_SQL).column(0)[0].as_py()
    floor = period.previous.start - dt.timedelta(days=730)
    if first is None:
        return period.previous.start
    return min(max(first, floor), period.previous.start)


@dataclass(frozen=True)
class ChangePoint:
    """A new mean level of the deseasonalised daily series starts on `day`."""

    metric: str
    day: dt.date
    level_before: float  # typical deseasonalised day: expm1(mean(log1p))
    level_after: float


@dataclass(frozen=True)
class DailyFindings:
    seasonality: series.Seasonality
    anomalies: pa.Table  # ANOMALY_SCHEMA
    change_points: list[ChangePoint]


def analyze_daily(
    reader: Reader, metric: Metric, period: Period, schema: pa.Schema
) -> DailyFindings:
    """Seasonality from the history up to the period's end; anomalies and change points in
    the comparison period and the period itself."""
    days, values = daily_values(reader, metric, history_start(reader, period), period.end)
    months, weekdays = calendar(days)
    season = series.seasonality(values, months, weekdays)
    expected = series.expected(values, months, weekdays)
    z = series.robust_z(values - expected)
    window = days >= np.datetime64(period.previous.start, "D")
    hit = window & (np.abs(z) > series.ANOMALY_Z)
    order = np.argsort(-np.abs(z[hit]), kind="stable")
    anomalies = pa.table(
        {
            "metric": pa.array([metric] * int(hit.sum()), pa.string()),
            "day": pa.array(days[hit][order], pa.date32()),
            "value": pa.array(values[hit][order]),
            "expected": pa.array(expected[hit][order]),
            "robust_z": pa.array(z[hit][order]),
            "direction": pa.array(np.where(z[hit][order] > 0, "spike", "dip"), pa.string()),
        },
        schema=schema,
    )
    factors = season.month[months - 1] * season.weekday[weekdays]
    adjusted = np.divide(values, factors, out=np.zeros_like(values), where=factors > 0)[window]
    logged = np.log1p(adjusted)  # on a log scale one arena night is not a new level
    cuts = series.change_points(logged)
    bounds = [0, *cuts, adjusted.size]
    # a segment's level: its typical (geometric-mean) day, the scale the cut was found on
    levels = [float(np.expm1(logged[a:b].mean())) for a, b in itertools.pairwise(bounds)]
    found = [
        ChangePoint(metric, days[window][c].astype(dt.date), levels[i], levels[i + 1])
        for i, c in enumerate(cuts)
    ]
    return DailyFindings(season, anomalies, found)
