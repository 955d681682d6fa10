"""Seasonality, change points and anomalies on synthetic daily series with known truth."""

from __future__ import annotations

import numpy as np

from greenroom.insights.trends import series
from greenroom.insights.trends.daily import calendar

WEEKDAY = np.array([0.6, 0.7, 0.8, 0.9, 1.3, 1.6, 1.1])


def _days(n: int) -> np.ndarray:
    return np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + n)


def test_calendar_knows_weekdays_and_months() -> None:
    months, weekdays = calendar(np.array(["2024-01-01", "2025-12-31"], dtype="datetime64[D]"))
    assert months.tolist() == [1, 12]
    assert weekdays.tolist() == [0, 2]  # Monday, Wednesday


def test_a_step_is_found_where_it_was_injected() -> None:
    for seed in range(5):
        rng = np.random.default_rng(seed)
        x = np.r_[rng.poisson(50, 200), rng.poisson(65, 160)].astype(float)
        cuts = series.change_points(x)
        assert len(cuts) == 1 and abs(cuts[0] - 200) <= 3, (seed, cuts)


def test_a_flat_series_has_no_change_point_in_most_seeds() -> None:
    found = [
        len(series.change_points(np.random.default_rng(s).poisson(50, 365).astype(float)))
        for s in range(40)
    ]
    assert sum(n > 0 for n in found) <= 4


def test_two_steps_are_both_found() -> None:
    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(10, 1, 100), rng.normal(14, 1, 100), rng.normal(9, 1, 100)]
    cuts = series.change_points(x)
    assert len(cuts) == 2 and abs(cuts[0] - 100) <= 2 and abs(cuts[1] - 200) <= 2


def test_weekday_profile_is_recovered() -> None:
    days = _days(728)
    months, weekdays = calendar(days)
    rng = np.random.default_rng(1)
    values = rng.poisson(200 * WEEKDAY[weekdays]).astype(float)
    s = series.seasonality(values, months, weekdays)
    assert np.allclose(s.weekday, WEEKDAY / WEEKDAY.mean(), atol=0.03)
    assert int(s.weekday.argmax()) == 5  # Saturday


def test_injected_anomalies_have_the_largest_robust_z() -> None:
    days = _days(365)
    months, weekdays = calendar(days)
    rng = np.random.default_rng(2)
    values = rng.poisson(300 * WEEKDAY[weekdays]).astype(float)
    values[123] *= 2.5  # a spike on one day
    values[250] = 0.0  # a dip: nothing sold
    z = series.anomalies(values, months, weekdays)
    flagged = set(np.flatnonzero(np.abs(z) > series.ANOMALY_Z).tolist())
    assert {123, 250} <= flagged and len(flagged) <= 0.02 * values.size
    assert int(np.argmax(z)) == 123 and int(np.argmin(z)) == 250
