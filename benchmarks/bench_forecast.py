"""Ticket-sales forecaster: training time, MAE against baselines, interval coverage.

Run against a demo home (``greenroom demo --no-serve`` first):

    GREENROOM_HOME=/tmp/gr-fc python benchmarks/bench_forecast.py

Scores the forecasts of scheduled concerts against the synthetic truth's ``demand`` (what
they will really sell) and prints a rolling-origin backtest over completed concerts.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from greenroom.config import get_settings
from greenroom.insights.forecast import train_forecaster
from greenroom.insights.forecast.backtest import forecast_scheduled, rolling_backtest, score
from greenroom.lake import Lakehouse


def truth_demand(home: Path, promoter_ids: list[str | None]) -> np.ndarray:
    """The truth's demand per concert, matched on the promoter's id (NaN when unmatched)."""
    (path,) = sorted(home.glob("landing/*/truth/concerts.parquet"))[-1:]
    truth = pq.read_table(path, columns=["promoter_id", "demand"])
    demand = dict(zip(truth["promoter_id"].to_pylist(), truth["demand"].to_pylist(), strict=True))
    return np.array([demand.get(p, np.nan) for p in promoter_ids], dtype=np.float64)


def main() -> None:
    settings = get_settings()
    reader = Lakehouse.open(settings).session()
    started = time.perf_counter()
    model = train_forecaster(reader, settings.today)
    seconds = time.perf_counter() - started
    print(f"train: {seconds:.1f} s, artefact {len(model.artefact) / 1e3:.0f} kB, {model.metrics}")
    forecasts = forecast_scheduled(reader, model)
    actual = truth_demand(settings.home, forecasts["promoter_id"].to_pylist())
    print("scheduled vs truth demand:", json.dumps(score(forecasts, actual), indent=1))
    origins = [settings.today - dt.timedelta(days=d) for d in (540, 360, 180)]
    for row in rolling_backtest(reader, origins):
        print(
            "backtest",
            json.dumps({k: round(v, 3) for k, v in row.items() if k != "origin"}),
            row["origin"],
        )


if __name__ == "__main__":
    main()
