"""Population stability index and the registry's drift check."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.insights.drift import check_drift, psi
from greenroom.insights.exceptions import DriftInputError
from greenroom.insights.registry import ModelRegistry, Trained
from greenroom.lake import Lakehouse


def _sample(seed: int, shift: float = 0.0, n: int = 2000) -> pa.Table:
    rng = np.random.default_rng(seed)
    genres = rng.choice(["rock", "pop", "jazz"], size=n, p=[0.5, 0.3, 0.2])
    if shift:
        genres = rng.choice(["rock", "pop", "jazz"], size=n, p=[0.1, 0.3, 0.6])
    return pa.table(
        {
            "price": rng.normal(50 + shift, 10, n),
            "genre": genres.tolist(),
            "days_out": rng.integers(0, 90, n),
        }
    )


def test_psi_is_zero_for_identical_samples() -> None:
    table = _sample(1)
    for column in table.column_names:
        assert psi(table.column(column), table.column(column)) == pytest.approx(0.0, abs=1e-12)


def test_psi_is_small_for_the_same_population_and_large_for_a_shifted_one() -> None:
    base, same, moved = _sample(1), _sample(2), _sample(3, shift=15.0)
    assert psi(base.column("price"), same.column("price")) < 0.05
    assert psi(base.column("price"), moved.column("price")) > 0.2
    assert psi(base.column("genre"), moved.column("genre")) > 0.2


def test_psi_handles_nulls_unseen_categories_and_constant_columns() -> None:
    assert psi(pa.array(["a", "a"]), pa.array(["b", "b"])) > 1.0
    assert psi(pa.array([1.0, None, 2.0]), pa.array([1.0, None, 2.0])) == pytest.approx(0.0)
    assert psi(pa.array([None, None, 1.0]), pa.array([1.0, 1.0, 1.0])) > 0.2
    assert psi(pa.array([5, 5, 5]), pa.array([5, 5, 5])) == pytest.approx(0.0)


@pytest.mark.slow
def test_check_drift_reports_alerts_and_needs_retrain(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    registry = ModelRegistry(lake, lake_settings)
    registry.register(
        Trained(
            "forecast",
            {},
            {"mae": 1.0},
            "mae",
            "lower",
            ["price", "genre", "days_out"],
            b"m",
            feature_sample=_sample(1),
        )
    )
    calm = check_drift(registry, "forecast", _sample(2))
    assert calm.alerts == () and not calm.needs_retrain
    assert set(calm.psi) == {"price", "genre", "days_out"}
    moved = check_drift(registry, "forecast", _sample(3, shift=15.0))
    assert moved.needs_retrain and set(moved.alerts) == {"price", "genre"}
    assert moved.version == 1 and moved.threshold == 0.2
    with pytest.raises(DriftInputError, match="`genre`"):
        check_drift(registry, "forecast", _sample(2).drop(["genre"]))
