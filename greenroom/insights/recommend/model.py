"""Records of the recommender: what a person asks for, what they get, the trained model."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from greenroom.insights.recommend._als import Factors
from greenroom.insights.recommend.scoring import Weights


@dataclass(frozen=True)
class UserPreferences:
    """Who to recommend for: a known customer, preferences, or both (cold start: no id)."""

    customer_id: str | None = None
    genres: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    budget: float | None = None
    """Highest cheapest-ticket price in USD a concert may have."""
    liked_artists: tuple[str, ...] = ()
    """Artist names (case-insensitive) or ids."""
    limit: int = 10

    def is_empty(self) -> bool:
        return not (
            self.customer_id or self.genres or self.cities or self.liked_artists or self.budget
        )


@dataclass(frozen=True)
class Recommendation:
    """One upcoming concert for one person, with why."""

    concert_id: str
    artist: str
    venue: str
    city: str
    date: dt.datetime
    score: float
    reason: str


@dataclass(frozen=True)
class TrainedRecommender:
    """A trained hybrid recommender: pure data, serialisable with `to_bytes`/`from_bytes`."""

    today: dt.date
    factors: Factors
    weights: Weights
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    training_seconds: float = 0.0

    def to_bytes(self) -> bytes:
        """An npz of the factors and ids, with the rest as JSON under `meta`."""
        meta = {
            "today": self.today.isoformat(),
            "weights": asdict(self.weights),
            "regularization": self.factors.regularization,
            "params": self.params,
            "metrics": self.metrics,
            "training_seconds": self.training_seconds,
        }
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            customer_ids=self.factors.customer_ids,
            artist_ids=self.factors.artist_ids,
            users=self.factors.users,
            items=self.factors.items,
            meta=np.array(json.dumps(meta)),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedRecommender:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            factors = Factors(
                z["customer_ids"], z["artist_ids"], z["users"], z["items"], meta["regularization"]
            )
        return cls(
            dt.date.fromisoformat(meta["today"]),
            factors,
            Weights(**meta["weights"]),
            meta["params"],
            meta["metrics"],
            meta["training_seconds"],
        )
