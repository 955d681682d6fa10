"""Deterministic sample data for lake tests (numpy-built, no Python row loops)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

SALES_SCHEMA = pa.schema(
    [
        pa.field("sale_id", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("event_date", pa.timestamp("us", tz="UTC")),
        pa.field("quantity", pa.int64()),
        pa.field("unit_price", pa.float64()),
    ]
)


def sales(n: int, *, start: int = 0, months: int = 6, source: str = "box_office") -> pa.Table:
    """`n` deterministic sales spread over `months` months of 2024 (ids `s<start+i>`)."""
    idx = np.arange(start, start + n)
    month = idx % months
    base = np.datetime64("2024-01-01", "M") + month.astype("timedelta64[M]")
    day = (idx % 27).astype("timedelta64[D]")
    ts = base.astype("datetime64[D]") + day
    return pa.table(
        {
            "sale_id": pa.array(np.char.add("s", idx.astype(str))),
            "source": pa.array(np.full(n, source)),
            "event_date": pa.array(ts.astype("datetime64[us]"), pa.timestamp("us", tz="UTC")),
            "quantity": pa.array(idx % 8 + 1, pa.int64()),
            "unit_price": pa.array(10.0 + (idx % 5), pa.float64()),
        }
    )
