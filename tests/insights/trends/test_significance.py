"""The compound-Poisson growth test: calibrated under no change, powerful under growth."""

from __future__ import annotations

import numpy as np

from greenroom.insights.trends.significance import benjamini_hochberg, growth_pvalues


def _periods(rng: np.random.Generator, rate: float, growth: float) -> tuple[np.ndarray, ...]:
    """Totals, sums of squares and concert counts of two periods; concerts arrive as a
    Poisson process and each sells a lognormal amount (lumpy, like real shows)."""
    n0, n1 = rng.poisson(rate), rng.poisson(rate * (1 + growth))
    x0, x1 = rng.lognormal(6, 0.8, n0), rng.lognormal(6, 0.8, n1)
    return (
        np.array([x1.sum()]),
        np.array([x0.sum()]),
        np.array([(x1**2).sum()]),
        np.array([(x0**2).sum()]),
        np.array([n1]),
        np.array([n0]),
    )


def test_no_significant_growth_in_a_flat_series_in_most_seeds() -> None:
    p = np.array(
        [growth_pvalues(*_periods(np.random.default_rng(s), 80, 0.0))[0] for s in range(400)]
    )
    assert (p < 0.05).mean() < 0.08  # nominal 5%


def test_flat_poisson_counts_are_significant_about_5_percent_of_the_time() -> None:
    rng = np.random.default_rng(0)
    n0, n1 = rng.poisson(100, 1000), rng.poisson(100, 1000)
    p = growth_pvalues(n1, n0, n1, n0, n1, n0, unit_counts=True)
    assert (p < 0.05).mean() < 0.07


def test_real_growth_is_significant() -> None:
    p = np.array(
        [growth_pvalues(*_periods(np.random.default_rng(s), 200, 0.6))[0] for s in range(50)]
    )
    assert (p < 0.05).mean() > 0.9


def test_too_few_concerts_are_not_tested() -> None:
    p = growth_pvalues(
        np.array([900.0]),
        np.array([100.0]),
        np.array([9e5]),
        np.array([1e4]),
        np.array([2]),
        np.array([1]),
    )
    assert np.isnan(p[0])


def test_benjamini_hochberg_matches_the_textbook_and_keeps_nan() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, np.nan, 0.03, 0.5]))
    assert np.isnan(q[2])
    assert np.allclose(q[[0, 1, 3, 4]], [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
