"""Fast random choices for millions of draws.

``GroupedChooser`` picks an item inside a requested group with probability proportional
to an integer weight: items are repeated by weight and laid out group by group, so a draw
is one table look-up and one gather (no binary search per draw).
"""

from __future__ import annotations

import numpy as np


class GroupedChooser:
    """Pick items by integer ``weights`` (>= 1) within groups keyed by small non-negative ints."""

    def __init__(self, groups: np.ndarray, weights: np.ndarray) -> None:
        groups = np.asarray(groups, dtype=np.int64)
        order = np.argsort(groups, kind="stable")
        reps = np.maximum(np.asarray(weights, dtype=np.int64)[order], 1)
        self._items = np.repeat(order, reps)
        slots = np.repeat(groups[order], reps)
        keys = np.arange(int(groups.max(initial=0)) + 2)
        self._lo = np.searchsorted(slots, keys, side="left")
        self._hi = np.searchsorted(slots, keys, side="right")

    def choose(self, wanted: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An item index per draw (``u`` uniform in [0, 1)); -1 where the group is empty."""
        key = np.minimum(np.asarray(wanted, dtype=np.int64), len(self._lo) - 1)
        lo = self._lo[key]
        size = self._hi[key] - lo
        pos = lo + (u * size).astype(np.int64)
        picked = self._items[np.minimum(pos, len(self._items) - 1)]
        return np.where(size > 0, picked, -1)


def categorical(rng: np.random.Generator, probs: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One draw per element from ``probs[row[i]]`` (rows of a small probability table)."""
    out = np.zeros(len(row), dtype=np.int64)
    u = rng.random(len(row))
    for r in range(probs.shape[0]):
        mask = row == r
        if mask.any():
            out[mask] = np.searchsorted(np.cumsum(probs[r])[:-1], u[mask], side="right")
    return out
