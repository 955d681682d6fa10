"""`analyze_trends` and the gold-ready tables `trend_growth` and `trend_anomalies`.

Aggregates are built set-based in DuckDB SQL (`sql.py`); numpy only sees the small results
(one row per group, one value per day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import pyarrow as pa

from greenroom.insights.trends import series
from greenroom.insights.trends.daily import ChangePoint, analyze_daily
from greenroom.insights.trends.exceptions import FuturePeriodError, UnknownMetricError
from greenroom.insights.trends.insights import write_insights
from greenroom.insights.trends.period import Period, resolve_period
from greenroom.insights.trends.significance import benjamini_hochberg, growth_pvalues
from greenroom.insights.trends.sql import METRICS, Metric, drivers_sql, growth_sql, window_params

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

PeriodSpec = str | tuple[dt.date, dt.date]
ALPHA = 0.05
_DAY = dt.timedelta(days=1)

GROWTH_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("dimension", pa.string()),  # artist, genre, city, country, venue or total
        ("key", pa.string()),  # stable id: artist_id, venue_id, genre, "city|CC", country
        ("member", pa.string()),  # display name
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),  # exclusive
        ("value_now", pa.float64()),
        ("value_before", pa.float64()),  # same dates one year earlier
        ("change", pa.float64()),  # value_now - value_before
        ("growth", pa.float64()),  # change / value_before; null when value_before is 0
        ("concerts_now", pa.int64()),
        ("concerts_before", pa.int64()),
        ("p_value", pa.float64()),  # compound-Poisson test; null with < 6 concerts
        ("q_value", pa.float64()),  # Benjamini-Hochberg within (metric, dimension)
        ("significant", pa.bool_()),  # q_value < 0.05
        ("drivers", pa.list_(pa.string())),  # up to 3 artists behind the change
    ]
)
ANOMALY_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("day", pa.date32()),
        ("value", pa.float64()),
        ("expected", pa.float64()),  # mean x weekday factor x month factor
        ("robust_z", pa.float64()),
        ("direction", pa.string()),  # spike or dip
    ]
)


@dataclass(frozen=True)
class TrendAnalysis:
    period: Period
    previous: Period
    metrics: tuple[Metric, ...]
    growth: pa.Table
    anomalies: pa.Table
    change_points: tuple[ChangePoint, ...]
    seasonality: dict[str, series.Seasonality]
    insights: list[str] = field(default_factory=list)


def check_metrics(metrics: Sequence[str]) -> tuple[Metric, ...]:
    for m in metrics:
        if m not in METRICS:
            raise UnknownMetricError(m, METRICS)
    return tuple(cast(Metric, m) for m in dict.fromkeys(metrics))


def effective_period(time_period: PeriodSpec, today: dt.date) -> Period:
    """The period, cut at today: sales after today do not exist yet."""
    period = resolve_period(time_period, today)
    tomorrow = today + _DAY
    if period.start >= tomorrow:
        raise FuturePeriodError(period.label, today.isoformat())
    if period.end > tomorrow and period.start < tomorrow:
        return Period(f"{period.label} to date", period.start, tomorrow)
    return period


def _today(today: dt.date | None) -> dt.date:
    if today is not None:
        return today
    from greenroom.config import get_settings

    return get_settings().today


def trend_growth(
    reader: Reader,
    time_period: PeriodSpec,
    metrics: Sequence[str] = METRICS,
    *,
    today: dt.date | None = None,
) -> pa.Table:
    """Growth per artist, genre, city, country and venue (+ `total`): `GROWTH_SCHEMA`."""
    chosen = check_metrics(metrics)
    period = effective_period(time_period, _today(today))
    prev = period.previous
    params = window_params((period.start, period.end), (prev.start, prev.end))
    tables = []
    for metric in chosen:
        g = reader.sql(growth_sql(metric), params)
        d = reader.sql(drivers_sql(metric), params)
        now = g.column("value_now").to_numpy(zero_copy_only=False).astype(float)
        before = g.column("value_before").to_numpy(zero_copy_only=False).astype(float)
        p = growth_pvalues(
            now,
            before,
            g.column("sq_now").to_numpy(zero_copy_only=False),
            g.column("sq_before").to_numpy(zero_copy_only=False),
            g.column("n_now").to_numpy(zero_copy_only=False),
            g.column("n_before").to_numpy(zero_copy_only=False),
            unit_counts=metric == "concerts",
        )
        dims = np.asarray(g.column("dimension").to_pylist(), dtype=object)
        q = np.full_like(p, np.nan)
        for dim in np.unique(dims):  # a handful of dimensions, not data rows
            q[dims == dim] = benjamini_hochberg(p[dims == dim])
        drivers = {
            (r["dimension"], r["key"]): r["drivers"]
            for r in d.select(["dimension", "key", "drivers"]).to_pylist()
        }
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.where(before > 0, (now - before) / before, np.nan)
        n = g.num_rows
        tables.append(
            pa.table(
                {
                    "metric": pa.array([metric] * n, pa.string()),
                    "dimension": g.column("dimension").cast(pa.string()),
                    "key": g.column("key").cast(pa.string()),
                    "member": g.column("member").cast(pa.string()),
                    "period_start": pa.array([period.start] * n, pa.date32()),
                    "period_end": pa.array([period.end] * n, pa.date32()),
                    "value_now": pa.array(now),
                    "value_before": pa.array(before),
                    "change": pa.array(now - before),
                    "growth": pa.array(growth, from_pandas=True),
                    "concerts_now": g.column("n_now").cast(pa.int64()),
                    "concerts_before": g.column("n_before").cast(pa.int64()),
                    "p_value": pa.array(p, from_pandas=True),
                    "q_value": pa.array(q, from_pandas=True),
                    "significant": pa.array(np.nan_to_num(q, nan=1.0) < ALPHA),
                    "drivers": pa.array(
                        [
                            drivers.get(k, [])
                            for k in zip(
                                g.column("dimension").to_pylist(),
                                g.column("key").to_pylist(),
                                strict=True,
                            )
                        ],
                        pa.list_(pa.string()),
                    ),
                },
                schema=GROWTH_SCHEMA,
            )
        )
    return pa.concat_tables(tables) if tables else GROWTH_SCHEMA.empty_table()


def trend_anomalies(
    reader: Reader,
    time_period: PeriodSpec,
    metrics: Sequence[str] = METRICS,
    *,
    today: dt.date | None = None,
) -> pa.Table:
    """Anomalous days in the period and its comparison period: `ANOMALY_SCHEMA`, largest
    ``|robust_z|`` first within each metric."""
    chosen = check_metrics(metrics)
    period = effective_period(time_period, _today(today))
    tables = [analyze_daily(reader, m, period, ANOMALY_SCHEMA).anomalies for m in chosen]
    return pa.concat_tables(tables) if tables else ANOMALY_SCHEMA.empty_table()


def analyze_trends(
    reader: Reader,
    time_period: PeriodSpec = "last_12_months",
    metrics: Sequence[str] = ("revenue", "tickets"),
    *,
    today: dt.date | None = None,
) -> TrendAnalysis:
    """Growth with significance, seasonality, change points, anomalies and insights for
    `time_period` against the same dates one year earlier."""
    chosen = check_metrics(metrics)
    day = _today(today)
    period = effective_period(time_period, day)
    growth = trend_growth(reader, time_period, chosen, today=day)
    found = {m: analyze_daily(reader, m, period, ANOMALY_SCHEMA) for m in chosen}
    changes = tuple(c for f in found.values() for c in f.change_points)
    anomalies = pa.concat_tables([f.anomalies for f in found.values()])
    seasonality: dict[str, series.Seasonality] = {m: f.seasonality for m, f in found.items()}
    return TrendAnalysis(
        period=period,
        previous=period.previous,
        metrics=chosen,
        growth=growth,
        anomalies=anomalies,
        change_points=changes,
        seasonality=seasonality,
        insights=write_insights(period, growth, anomalies, changes, seasonality),
    )
