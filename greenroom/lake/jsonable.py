"""Arrow results as JSON: `{"columns": [...], "rows": [[...]]}`, for the CLI, the API and
the chat alike (dates as ISO strings, decimals as floats, NaN and infinities as null)."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


def jsonable(value: Any) -> Any:
    """A JSON-safe version of one Arrow-produced Python value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Arrow maps come out as lists of (key, value) tuples.
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): jsonable(v) for k, v in value}
        return [jsonable(v) for v in value]
    return value


def table_to_json(table: pa.Table) -> dict[str, Any]:
    # by column, not `to_pylist()`: two columns may share a name (`a.name, v.name`)
    values = (c.to_pylist() for c in table.columns)
    rows = [[jsonable(v) for v in row] for row in zip(*values, strict=True)]
    return {"columns": table.column_names, "rows": rows}
