"""The hybrid score and its two baselines, vectorised over (customer, concert) pairs.

A synthetic buyer is mostly a local who likes the genre, and popular shows sell more
tickets, so the hybrid multiplies three things (adds their logs): the customer's content
affinity for the concert's city and genre, the concert's popularity so far, and the ALS
affinity for the artist learned from what similar customers bought.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from greenroom.insights.recommend._als import Factors, pair_scores


@dataclass(frozen=True)
class Weights:
    """Blend weights; the defaults are tuned on the demo world's hold-out (docs)."""

    city_genre: float = 1.0
    city: float = 0.6
    genre: float = 0.3
    floor: float = 0.02
    popularity: float = 0.2
    als: float = 0.5


def _col(features: pa.Table, name: str) -> np.ndarray:
    return np.asarray(features.column(name).to_numpy(), dtype=np.float64)


def content(features: pa.Table, w: Weights) -> np.ndarray:
    """The customer's affinity for the concert's city and genre (shares of past buys)."""
    f = {k: _col(features, k) for k in ("share_city", "share_genre", "share_city_genre")}
    return np.asarray(
        w.city_genre * f["share_city_genre"] + w.city * f["share_city"] + w.genre * f["share_genre"]
    )


def popularity(features: pa.Table) -> np.ndarray:
    """Ticket transactions the concert had before the moment of recommending."""
    return _col(features, "sold_before")


def content_only(features: pa.Table) -> np.ndarray:
    """Baseline: the city + genre mix of the customer's past purchases."""
    return np.asarray(_col(features, "share_city") + _col(features, "share_genre"))


def hybrid(
    features: pa.Table, factors: Factors | None, w: Weights, user: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The blended score and its ALS part for each pair."""
    als = (
        pair_scores(
            factors,
            features.column("customer_id").to_numpy(zero_copy_only=False).astype(str),
            features.column("artist_id").to_numpy(zero_copy_only=False).astype(str),
            user,
        ).astype(np.float64)
        if factors is not None
        else np.zeros(features.num_rows)
    )
    score = (
        np.log(content(features, w) + w.floor)
        + w.popularity * np.log1p(popularity(features))
        + w.als * als
    )
    return score, als
