"""Daily series analysis in numpy: seasonal profiles, change points and anomalies.

The series are small aggregates (one value per day, a few years at most), built in SQL.

- **Seasonality**: multiplicative month-of-year and weekday factors, each the mean daily
  value in that month (weekday) over the overall mean daily value (1.0 = average).
- **Expected value** of a day: overall mean × its weekday factor × its month factor.
- **Anomalies**: robust z-score (Iglewicz–Hoaglin, ``0.6745·(r − median)/MAD``) of the
  residual ``y − expected``; ``|z| > 3.5`` is an anomaly.
- **Change points**: binary segmentation on the deseasonalised series (``log1p(y / factors)``,
  the caller's choice: on a log scale one arena night is not a new level),
  least-squares cost of a change in mean, penalty ``β = 3·σ²·ln n`` (σ from the MAD of first
  differences, so a step does not inflate it), minimum segment length 14 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANOMALY_Z = 3.5
MIN_SEGMENT = 14


@dataclass(frozen=True)
class Seasonality:
    """Mean-relative factors: ``month[0]`` is January, ``weekday[0]`` Monday."""

    month: np.ndarray
    weekday: np.ndarray


def seasonality(values: np.ndarray, months: np.ndarray, weekdays: np.ndarray) -> Seasonality:
    """Month (1–12) and weekday (0 = Monday) factors of a daily series."""
    mean = float(values.mean()) if values.size else 0.0
    out = []
    for keys, size in ((months - 1, 12), (weekdays, 7)):
        sums = np.bincount(keys, weights=values, minlength=size)
        counts = np.bincount(keys, minlength=size)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where((counts > 0) & (mean > 0), sums / np.maximum(counts, 1) / mean, 1.0)
        out.append(f)
    return Seasonality(month=out[0], weekday=out[1])


def expected(values: np.ndarray, months: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    s = seasonality(values, months, weekdays)
    out: np.ndarray = float(values.mean()) * s.month[months - 1] * s.weekday[weekdays]
    return out


def robust_z(residuals: np.ndarray) -> np.ndarray:
    """``0.6745·(r − median)/MAD``; falls back to the mean absolute deviation if MAD is 0."""
    med = np.median(residuals)
    dev = np.abs(residuals - med)
    mad = float(np.median(dev))
    if mad == 0:
        mad = float(dev.mean()) / 0.7979 * 0.6745 if dev.mean() > 0 else 1.0
    z: np.ndarray = 0.6745 * (residuals - med) / mad
    return z


def anomalies(values: np.ndarray, months: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Robust z-scores of the residuals after weekday and month effects."""
    return robust_z(values - expected(values, months, weekdays))


def _best_split(x: np.ndarray, min_seg: int) -> tuple[int, float]:
    n = x.size
    if n < 2 * min_seg:
        return -1, 0.0
    c1 = np.cumsum(x)
    c2 = np.cumsum(x * x)
    k = np.arange(min_seg, n - min_seg + 1)
    left = c2[k - 1] - c1[k - 1] ** 2 / k
    right = (c2[-1] - c2[k - 1]) - (c1[-1] - c1[k - 1]) ** 2 / (n - k)
    whole = c2[-1] - c1[-1] ** 2 / n
    gain = whole - (left + right)
    i = int(np.argmax(gain))
    return int(k[i]), float(gain[i])


def change_points(x: np.ndarray, *, min_seg: int = MIN_SEGMENT, max_points: int = 8) -> list[int]:
    """Indexes where a new mean level starts (binary segmentation, BIC-like penalty)."""
    x = np.asarray(x, dtype=float)
    if x.size < 2 * min_seg:
        return []
    sigma = float(np.median(np.abs(np.diff(x) - np.median(np.diff(x))))) / 0.6745 / np.sqrt(2)
    if sigma == 0:
        sigma = float(x.std()) or 1.0
    penalty = 3.0 * sigma**2 * np.log(x.size)
    found: list[int] = []
    segments = [(0, x.size)]
    while segments and len(found) < max_points:
        best = max(((a, b, *_best_split(x[a:b], min_seg)) for a, b in segments), key=lambda s: s[3])
        a, b, k, gain = best
        if k < 0 or gain <= penalty:
            break
        segments.remove((a, b))
        segments += [(a, a + k), (a + k, b)]
        found.append(a + k)
    return sorted(found)
