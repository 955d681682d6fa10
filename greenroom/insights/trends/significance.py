"""Is a change between two periods more than noise? A compound-Poisson test per group.

A period's total of a metric is a sum over concerts: concerts arrive as a Poisson process
and each brings a random amount (its tickets or revenue). For such a compound Poisson sum
``S``, ``Var(S) = λ·E[X²]``, estimated without bias by ``Σ xᵢ²`` over the concerts seen.
Under H0 (same rate, same per-concert distribution in both periods) the difference of the
totals has mean 0 and variance estimated by ``Σ x²`` over both periods, so

    z = (S_now − S_before) / sqrt(Σ_now x² + Σ_before x²)

is approximately standard normal. With ``x = 1`` (the `concerts` metric) this is the
classic conditional Poisson test (``z = (n₁ − n₀)/√(n₁ + n₀)``), which is computed
exactly there instead (binomial test on ``n₁`` of ``n₁ + n₀`` at p = ½). Treating the concert,
not the ticket, as the unit keeps the test honest: tickets come in clumps of hundreds per
show, and a per-ticket Poisson test would call almost every wobble significant.

Many groups are tested at once (every artist, city, venue), so p-values are adjusted with
Benjamini–Hochberg; `significant` means ``q < α``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

MIN_CONCERTS = 6
"""Fewer concerts than this over both periods: no test (p is NaN, never significant)."""


def growth_pvalues(
    now: np.ndarray,
    before: np.ndarray,
    sq_now: np.ndarray,
    sq_before: np.ndarray,
    n_now: np.ndarray,
    n_before: np.ndarray,
    *,
    unit_counts: bool = False,
) -> np.ndarray:
    """Two-sided p-values of "no change" per group (NaN where too few concerts)."""
    n_now = np.asarray(n_now, dtype=np.int64)
    n_before = np.asarray(n_before, dtype=np.int64)
    total = n_now + n_before
    if unit_counts:
        p = np.asarray(stats.binom.cdf(np.minimum(n_now, n_before), np.maximum(total, 1), 0.5))
        p = np.minimum(1.0, 2.0 * p)
    else:
        var = np.asarray(sq_now, dtype=float) + np.asarray(sq_before, dtype=float)
        diff = np.asarray(now, dtype=float) - np.asarray(before, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(var > 0, diff / np.sqrt(var), 0.0)
        p = 2.0 * stats.norm.sf(np.abs(z))
    return np.where(total >= MIN_CONCERTS, p, np.nan)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values; NaN p-values stay NaN and do not count as tests."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if ok.size == 0:
        return q
    order = ok[np.argsort(p[ok], kind="stable")]
    ranked = p[order] * ok.size / np.arange(1, ok.size + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q
