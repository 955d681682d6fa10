"""Small helpers to move columns between numpy and Arrow inside the world builders."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

UTC_MS = pa.timestamp("ms", tz="UTC")
LOCAL_MS = pa.timestamp("ms")


def ts_utc(ms: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Epoch milliseconds as a UTC timestamp column (null where ``valid`` is False)."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(ms, dtype=np.int64), type=pa.int64(), mask=mask).cast(UTC_MS)


def ts_local(ms: np.ndarray) -> pa.Array:
    """Wall-clock milliseconds (no zone) as a naive timestamp column."""
    return pa.array(np.asarray(ms, dtype=np.int64), type=pa.int64()).cast(LOCAL_MS)


def dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32()).cast(pa.date32())


def ms_of(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A timestamp column back as int64 epoch milliseconds (nulls become 0)."""
    arr = column.cast(pa.int64()) if column.type != pa.int64() else column
    return np.asarray(arr.fill_null(0).to_numpy(), dtype=np.int64)


def days_of(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(column.cast(pa.int32()).fill_null(0).to_numpy(), dtype=np.int64)


def np_col(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy())


def cents_to_usd(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(cents, dtype=np.int64) / 100.0, type=pa.float64(), mask=mask)
