"""Baselines and the rolling-origin backtest.

Baselines (computed by the same leak-free query as the features): ``venue_mean`` (the
venue's mean tickets over its earlier completed concerts), ``artist_mean`` (the artist's),
``seasonal_naive`` (the artist's latest earlier show in the same calendar month, else its
latest show); each falls back to the mean of all earlier concerts.

The backtest moves the origin back in steps: at each origin it trains on the concerts
completed before it and forecasts those of the next window as of the origin day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from greenroom.insights.forecast.features import BASELINES, build_features, concert_targets
from greenroom.insights.forecast.model import TrainedForecaster, train_forecaster
from greenroom.lake.reader import Reader


def forecast_concerts(
    reader: Reader, model: TrainedForecaster, where: str, params: list[object]
) -> pa.Table:
    """Forecasts (and baselines, and actual tickets where known) for the lake's concerts
    matching ``where`` (SQL over alias ``c``), made as of ``model.today``."""
    targets = concert_targets(reader, where, "?::DATE", [model.today, *params])
    features = build_features(reader, targets)
    out = model.predict(features)
    for name in ("concert_id", "promoter_id", "actual"):
        out = out.append_column(name, targets[name])
    for name in BASELINES:
        out = out.append_column(name, features[name])
    return out


def forecast_scheduled(reader: Reader, model: TrainedForecaster) -> pa.Table:
    """Forecasts of every scheduled concert (the rows of gold.ticket_sales_forecast)."""
    return forecast_concerts(reader, model, "c.status = 'scheduled'", [])


def score(forecasts: pa.Table, actual: np.ndarray) -> dict[str, float]:
    """MAE of the model and of each baseline, and interval coverage, where ``actual`` is known."""
    ok = ~np.isnan(actual)
    y = actual[ok]

    def col(name: str) -> np.ndarray:
        values = forecasts[name].to_numpy(zero_copy_only=False)
        array: np.ndarray = np.asarray(values, dtype=np.float64)[ok]
        return array

    pred = col("predicted_value")
    out: dict[str, float] = {"n": float(ok.sum()), "mae_model": float(np.mean(np.abs(pred - y)))}
    for name in BASELINES:
        out[f"mae_{name}"] = float(np.mean(np.abs(col(name) - y)))
    best = min(out[f"mae_{name}"] for name in BASELINES)
    out["improvement_vs_best_baseline"] = 1 - out["mae_model"] / best
    for level in ("80", "95"):
        inside = (y >= col(f"lower_{level}")) & (y <= col(f"upper_{level}"))
        out[f"coverage_{level}"] = float(np.mean(inside))
    within = np.abs(np.log1p(y) - np.log1p(pred)) <= np.log(1.25)
    out["within_25pct"] = float(np.mean(within))
    out["mean_confidence"] = float(np.mean(col("confidence_score")))
    return out


def rolling_backtest(
    reader: Reader, origins: list[dt.date], window_days: int = 180
) -> list[dict[str, Any]]:
    """For each origin: train before it, score the concerts completed in the next window."""
    results: list[dict[str, Any]] = []
    for origin in origins:
        model = train_forecaster(reader, origin)
        end = origin + dt.timedelta(days=window_days)
        where = (
            "c.status = 'completed' AND CAST(c.event_date AS DATE) >= ?"
            " AND CAST(c.event_date AS DATE) < ?"
        )
        forecasts = forecast_concerts(reader, model, where, [origin, end])
        actual = np.asarray(forecasts["actual"].to_numpy(zero_copy_only=False), dtype=np.float64)
        results.append({"origin": origin.isoformat(), **score(forecasts, actual)})
    return results
