"""Hold-out evaluation: each customer's latest purchase against what was on sale then.

For every customer with at least two concerts bought before `today`, the concerts bought at
their latest purchase moment `t` are held out. Candidates are the concerts on sale at `t`
(first sale at or before `t`, show after `t`, not cancelled) that the customer had not
bought. Each scorer ranks the candidates; we report precision, recall, NDCG and hit rate at
10 and catalogue coverage (share of candidate concerts that appear in someone's top 10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from greenroom.insights.recommend import _sql

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

K = 10

HOLDOUT = f"""
WITH p AS ({_sql.PURCHASES}),
last AS (SELECT customer_id, max(bought_at) AS held_at FROM p GROUP BY 1 HAVING count(*) >= 2),
pick AS (SELECT * FROM last ORDER BY hash(customer_id) LIMIT ?)
SELECT p.*, (pick.held_at IS NOT NULL AND p.bought_at = pick.held_at) AS held, pick.held_at
FROM p LEFT JOIN pick ON pick.customer_id = p.customer_id
"""

CANDIDATES = f"""
WITH k AS ({_sql.CONCERTS}),
users AS (SELECT DISTINCT customer_id, held_at FROM rec_split WHERE held_at IS NOT NULL)
SELECT (row_number() OVER ()) - 1 AS pair, u.customer_id, k.concert_id, u.held_at,
       coalesce(h.held, false) AS label
FROM users u JOIN k ON k.first_sale <= u.held_at AND k.event_date > u.held_at AND k.status <> 'cancelled'
LEFT JOIN rec_split h ON h.customer_id = u.customer_id AND h.concert_id = k.concert_id
WHERE h.customer_id IS NULL OR h.held
"""


@dataclass(frozen=True)
class Split:
    """The training history and the candidate pairs with their features and labels."""

    train: pa.Table
    features: pa.Table
    labels: np.ndarray
    customers: np.ndarray
    held_per_customer: np.ndarray


def split(reader: Reader, today: dt.date, max_customers: int = 5000) -> Split:
    """Hold out each sampled customer's latest purchase; features for every candidate pair."""
    cut = dt.datetime.combine(today, dt.time(), dt.UTC)
    rows = reader.sql(HOLDOUT, [cut, max_customers])
    reader.register("rec_split", rows)
    pairs = reader.sql(CANDIDATES)
    train = rows.filter(pa.compute.invert(rows.column("held")))
    reader.register("rec_history", train)
    reader.register("rec_pairs", pairs.select(["pair", "customer_id", "concert_id", "held_at"]))
    features = reader.sql(_sql.FEATURES)
    labels = pairs.column("label").to_numpy(zero_copy_only=False).astype(bool)
    customers, inverse = np.unique(
        features.column("customer_id").to_numpy(zero_copy_only=False).astype(str),
        return_inverse=True,
    )
    held = np.bincount(inverse, weights=labels, minlength=len(customers))
    return Split(train, features, labels, inverse, held)


def metrics(s: Split, score: np.ndarray, k: int = K) -> dict[str, float]:
    """Top-`k` metrics of one scorer over the split's customers with a held-out candidate."""
    order = np.lexsort((-score, s.customers))
    grp = s.customers[order]
    starts = np.r_[0, np.flatnonzero(np.diff(grp)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    top = order[rank < k]
    top_rank = rank[rank < k]
    hit = s.labels[top]
    n_users = len(s.held_per_customer)
    hits = np.bincount(s.customers[top], weights=hit, minlength=n_users)
    dcg = np.bincount(s.customers[top], weights=hit / np.log2(top_rank + 2), minlength=n_users)
    ideal_n = np.minimum(s.held_per_customer, k).astype(int)
    idcg = np.cumsum(np.r_[0.0, 1 / np.log2(np.arange(k) + 2)])[ideal_n]
    ok = s.held_per_customer > 0
    concerts = s.features.column("concert_id").to_numpy(zero_copy_only=False)
    return {
        "precision@10": float((hits[ok] / k).mean()),
        "recall@10": float((hits[ok] / s.held_per_customer[ok]).mean()),
        "ndcg@10": float((dcg[ok] / idcg[ok]).mean()),
        "hit_rate@10": float((hits[ok] > 0).mean()),
        "coverage": float(len(np.unique(concerts[top])) / len(np.unique(concerts))),
        "customers": float(ok.sum()),
    }
