"""Issue 12's targets at demo scale, against the synthetic truth's demand (slow)."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from greenroom.insights.forecast import train_forecaster
from greenroom.insights.forecast.backtest import forecast_scheduled, score
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld


@pytest.mark.slow
def test_beats_the_best_baseline_and_covers_80_percent(demo_world: BuiltWorld) -> None:
    with Lakehouse.open(demo_world.settings).session() as reader:
        model = train_forecaster(reader, demo_world.settings.today)
        forecasts = forecast_scheduled(reader, model)
    truth = pq.read_table(demo_world.world / "truth" / "concerts.parquet")
    demand = dict(zip(truth["promoter_id"].to_pylist(), truth["demand"].to_pylist(), strict=True))
    actual = np.array(
        [demand.get(p, np.nan) for p in forecasts["promoter_id"].to_pylist()], dtype=np.float64
    )
    result = score(forecasts, actual)
    assert result["n"] > 600
    # measured 0.29 and 0.81 (docs/insights-forecast.md); targets 0.25 and 0.75–0.85
    assert result["improvement_vs_best_baseline"] >= 0.25
    assert 0.75 <= result["coverage_80"] <= 0.85
    assert 0.90 <= result["coverage_95"] <= 0.99
    assert abs(result["mean_confidence"] - result["within_25pct"]) < 0.10
