"""Amount handling shared by the feeds: local-currency conversion and negative prices."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from greenroom.synth.reference import usd_per_unit


def to_local_cents(usd_cents: np.ndarray, currencies: pa.Array | np.ndarray) -> np.ndarray:
    """USD cents in each row's currency, rounded half-to-even to whole (local) cents.

    The pipeline converts back with ``fx_rates.csv``: ``usd = local * usd_per_unit``.
    """
    rate = usd_per_unit(currencies)
    return np.asarray(np.rint(np.asarray(usd_cents, dtype=np.float64) / rate), dtype=np.int64)


def unknown_ids(existing: set[str], make: Callable[[int], list[str]], n: int) -> list[str]:
    """``n`` ids made by ``make`` that are not in ``existing`` (redrawn until so)."""
    out: list[str] = []
    while len(out) < n:
        out.extend(x for x in make(n - len(out)) if x not in existing and x not in out)
    return out[:n]
