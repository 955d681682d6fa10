"""`train_recommender`: evaluate on a hold-out, then fit on all history. Pure: no writes."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from greenroom.insights.recommend import _sql, evaluate, scoring
from greenroom.insights.recommend._als import fit_als
from greenroom.insights.recommend.model import TrainedRecommender

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

DEFAULT_PARAMS: dict[str, Any] = {
    "factors": 32,
    "regularization": 0.05,
    "alpha": 2.0,
    "iterations": 15,
    "seed": 0,
}


def train_recommender(
    reader: Reader,
    today: dt.date,
    params: dict[str, Any] | None = None,
    *,
    weights: scoring.Weights | None = None,
    eval_customers: int = 5000,
) -> TrainedRecommender:
    """Hold-out metrics of the hybrid and both baselines, then ALS on every purchase before `today`."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    w = weights or scoring.Weights()
    split = evaluate.split(reader, today, eval_customers)
    held_out = fit_als(split.train, **p)
    metrics = {
        "hybrid": evaluate.metrics(split, scoring.hybrid(split.features, held_out, w)[0]),
        "popularity": evaluate.metrics(split, scoring.popularity(split.features)),
        "content_only": evaluate.metrics(split, scoring.content_only(split.features)),
    }
    start = time.perf_counter()
    cut = dt.datetime.combine(today, dt.time(), dt.UTC)
    factors = fit_als(reader.sql(_sql.PURCHASES, [cut]), **p)
    seconds = time.perf_counter() - start
    return TrainedRecommender(
        today, factors, w, {**p, "eval_customers": eval_customers}, metrics, seconds
    )
