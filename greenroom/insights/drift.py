"""Feature drift: the population stability index (PSI) of today's values against training.

PSI = Σ (actual − expected) · ln(actual / expected) over bins, where the shares come from
the training sample (expected) and today's values (actual). Numeric features use the
training sample's deciles as bin edges; other features (strings, booleans) their category
shares. Missing values form their own bin, and every share is floored at `EPSILON` so an
empty bin does not make PSI infinite. Rule of thumb: < 0.1 stable, 0.1–0.2 watch,
> 0.2 (the default threshold) shifted enough to retrain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.insights.exceptions import DriftInputError

if TYPE_CHECKING:
    from greenroom.insights.registry import ModelRegistry

EPSILON = 1e-4
DEFAULT_THRESHOLD = 0.2


@dataclass(frozen=True)
class DriftReport:
    """PSI per feature of one model version, and which features crossed the threshold."""

    model: str
    version: int
    threshold: float
    psi: dict[str, float] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()
    """Features whose PSI is above `threshold`, worst first."""

    @property
    def needs_retrain(self) -> bool:
        return bool(self.alerts)


def psi(expected: pa.Array | pa.ChunkedArray, actual: pa.Array | pa.ChunkedArray) -> float:
    """The population stability index of `actual` against `expected` (0 when alike)."""
    if _numeric(expected.type) and _numeric(actual.type):
        exp_shares, act_shares = _numeric_shares(expected, actual)
    else:
        exp_shares, act_shares = _category_shares(expected, actual)
    exp = np.clip(exp_shares, EPSILON, None)
    act = np.clip(act_shares, EPSILON, None)
    return float(np.sum((act - exp) * np.log(act / exp)))


def check_drift(
    registry: ModelRegistry,
    name: str,
    current: pa.Table,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    version: int | None = None,
) -> DriftReport:
    """Compare `current` (one column per feature: today's values) with the training sample
    of `name`'s serving version (or `version`)."""
    record = registry.version(name, version)
    sample = registry.feature_sample(name, record.version)
    if sample is None:
        raise DriftInputError(
            f"model `{name}` version {record.version} kept no feature sample; "
            "register it with `feature_sample` to check drift"
        )
    features = [f for f in (record.features or sample.column_names) if f in sample.column_names]
    missing = [f for f in features if f not in current.column_names]
    if missing:
        raise DriftInputError(
            f"today's sample for `{name}` lacks feature(s) {', '.join(f'`{m}`' for m in missing)}; "
            f"it must have a column per feature ({', '.join(features)})"
        )
    scores = {f: psi(sample.column(f), current.column(f)) for f in features}
    alerts = sorted((f for f, v in scores.items() if v > threshold), key=lambda f: -scores[f])
    return DriftReport(name, record.version, threshold, scores, tuple(alerts))


def _numeric(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_temporal(kind)
    )


def _floats(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    kind = values.type
    if pa.types.is_temporal(kind):
        values = (
            pc.cast(values, pa.int64()) if kind.bit_width == 64 else pc.cast(values, pa.int32())
        )
    out: np.ndarray = np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False))
    return out.astype(float)


def _numeric_shares(
    expected: pa.Array | pa.ChunkedArray, actual: pa.Array | pa.ChunkedArray
) -> tuple[np.ndarray, np.ndarray]:
    exp, act = _floats(expected), _floats(actual)
    known = exp[~np.isnan(exp)]
    edges = np.unique(np.quantile(known, np.linspace(0.1, 0.9, 9))) if known.size else np.array([])
    return _binned(exp, edges), _binned(act, edges)


def _binned(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Shares of `values` in the bins cut at `edges`, plus a last bin for missing values."""
    nan = np.isnan(values)
    bins = np.searchsorted(edges, values[~nan], side="right")
    counts = np.bincount(bins, minlength=edges.size + 1).astype(float)
    counts = np.append(counts, float(nan.sum()))
    return counts / max(values.size, 1)


def _category_shares(
    expected: pa.Array | pa.ChunkedArray, actual: pa.Array | pa.ChunkedArray
) -> tuple[np.ndarray, np.ndarray]:
    exp = _counts(expected)
    act = _counts(actual)
    keys = sorted(set(exp) | set(act))
    e = np.array([exp.get(k, 0) for k in keys], dtype=float)
    a = np.array([act.get(k, 0) for k in keys], dtype=float)
    return e / max(e.sum(), 1.0), a / max(a.sum(), 1.0)


def _counts(values: pa.Array | pa.ChunkedArray) -> dict[str, int]:
    """Category → count; missing values count under a key no category can have."""
    as_text = pc.cast(values, pa.string()) if not pa.types.is_string(values.type) else values
    counts: dict[str, int] = {}
    for item in pc.value_counts(as_text).to_pylist():
        key = "\x00null" if item["values"] is None else str(item["values"])
        counts[key] = counts.get(key, 0) + int(item["counts"])
    return counts
