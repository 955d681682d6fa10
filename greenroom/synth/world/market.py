"""Behaviour of the ticket market: customer segments, basket sizes, tiers, timing, channels.

Shared by the concert builder (to calibrate demand) and the sales builder (to draw sales).
"""

from __future__ import annotations

import numpy as np

SEGMENTS: tuple[str, ...] = ("casual", "fan", "superfan", "corporate")
SEGMENT_SHARE = np.array([0.60, 0.25, 0.10, 0.05])
SEGMENT_ACTIVITY = np.array([1.0, 3.0, 8.0, 4.0])  # relative purchase frequency

# P(quantity = 1..8) per segment.
QUANTITY_P = np.array(
    [
        [0.22, 0.48, 0.10, 0.14, 0.02, 0.02, 0.01, 0.01],
        [0.30, 0.45, 0.08, 0.10, 0.03, 0.02, 0.01, 0.01],
        [0.45, 0.40, 0.05, 0.06, 0.02, 0.01, 0.005, 0.005],
        [0.02, 0.08, 0.10, 0.25, 0.15, 0.20, 0.10, 0.10],
    ]
)
TIERS: tuple[str, ...] = ("GA", "reserved", "VIP")
TIER_P = np.array([[0.75, 0.20, 0.05], [0.70, 0.20, 0.10], [0.45, 0.20, 0.35], [0.20, 0.40, 0.40]])

CHANNELS: tuple[str, ...] = ("box_office", "online", "stream")
CHANNEL_P_TICKETMASTER = np.array([0.25, 0.30, 0.45])
CHANNEL_P_PROMOTER_ONLY = np.array([0.40, 0.60, 0.0])

# When in the sales window (0 = on-sale, 1 = show) a purchase happens: a mixture of the
# on-sale rush Beta(1, 8), a build-up towards the show Beta(2, 1), and a uniform trickle.
_TIMING_W = np.array([0.30, 0.55, 0.15])

CANCEL_RATE = 0.03


def purchase_share(segment_weights: np.ndarray | None = None) -> np.ndarray:
    """Share of purchases made by each segment (share x activity)."""
    w = SEGMENT_SHARE * SEGMENT_ACTIVITY if segment_weights is None else segment_weights
    return np.asarray(w / w.sum())


def mean_quantity() -> float:
    """Expected tickets per transaction over the whole market."""
    per_segment = QUANTITY_P @ np.arange(1, 9)
    return float(purchase_share() @ per_segment)


def timing_cdf(x: np.ndarray) -> np.ndarray:
    """Share of a concert's purchases made by window position ``x`` (0..1)."""
    x = np.clip(x, 0.0, 1.0)
    rush = 1 - (1 - x) ** 8
    return np.asarray(_TIMING_W[0] * rush + _TIMING_W[1] * x**2 + _TIMING_W[2] * x)


def timing_draw(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` window positions drawn from :func:`timing_cdf`."""
    part = rng.choice(3, size=n, p=_TIMING_W)
    u = rng.random(n)
    return np.where(part == 0, 1 - (1 - u) ** (1 / 8), np.where(part == 1, np.sqrt(u), u))
