"""The collaborative part: implicit-feedback ALS on customer × artist purchase counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class Factors:
    """Customer and artist factors, with the ids their rows stand for."""

    customer_ids: np.ndarray
    artist_ids: np.ndarray
    users: np.ndarray
    items: np.ndarray
    regularization: float


def fit_als(
    history: pa.Table,
    *,
    factors: int,
    regularization: float,
    alpha: float,
    iterations: int,
    seed: int,
) -> Factors:
    """Fit ALS on `history` (customer_id, artist_id, tickets); confidence = 1 + alpha·log1p(n)."""
    from implicit.cpu.als import AlternatingLeastSquares

    customers, ui = np.unique(
        history.column("customer_id").to_numpy(zero_copy_only=False), return_inverse=True
    )
    artists, ai = np.unique(
        history.column("artist_id").to_numpy(zero_copy_only=False), return_inverse=True
    )
    counts = np.ones(len(ui), dtype=np.float32)
    matrix = sp.csr_matrix((counts, (ui, ai)), shape=(len(customers), len(artists)))
    matrix.sum_duplicates()
    matrix.data = (1.0 + alpha * np.log1p(matrix.data)).astype(np.float32)
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=1.0,
            iterations=iterations,
            random_state=seed,
            num_threads=1,
        )
        model.fit(matrix, show_progress=False)
    return Factors(
        customers.astype(str),
        artists.astype(str),
        np.asarray(model.user_factors, dtype=np.float32),
        np.asarray(model.item_factors, dtype=np.float32),
        regularization,
    )


def fold_in(items: np.ndarray, liked: np.ndarray, regularization: float) -> np.ndarray:
    """A user vector for someone outside the model from the artist rows they like."""
    if len(liked) == 0:
        return np.zeros(items.shape[1], dtype=np.float32)
    gram = items.T @ items + regularization * np.eye(items.shape[1], dtype=np.float32)
    return np.linalg.solve(gram, items[liked].sum(axis=0)).astype(np.float32)


def lookup(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row index of each `wanted` id in the sorted `ids`, -1 where absent."""
    if len(ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
    return np.where(ids[pos] == wanted, pos, -1)


def pair_scores(
    f: Factors, customers: np.ndarray, artists: np.ndarray, users: np.ndarray | None = None
) -> np.ndarray:
    """u·v for each pair; 0 where the customer or the artist is unknown to the model."""
    ui = lookup(f.customer_ids, customers) if users is None else np.zeros(len(customers), np.int64)
    ai = lookup(f.artist_ids, artists)
    table = f.users if users is None else users[None, :]
    ok = (ui >= 0) & (ai >= 0)
    out = np.zeros(len(customers), dtype=np.float32)
    out[ok] = np.einsum("ij,ij->i", table[ui[ok]], f.items[ai[ok]])
    return out
