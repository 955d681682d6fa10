"""Arrow table → one compact JSON object per row, built column-wise with pyarrow.compute.

Each column becomes an array of JSON value texts (strings escaped and quoted, numbers as
text, nulls as `null`), and one element-wise join glues `{"name":value,...}` together; no
Python loop over rows except for nested types, which fall back to `json.dumps`.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_CONTROL = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


def json_rows(table: pa.Table) -> pa.Array:
    """A string array holding each row of `table` as compact JSON (UTF-8, no NaN)."""
    if table.num_columns == 0:
        return pa.array(["{}"] * table.num_rows, pa.string())
    parts: list[Any] = []
    for i, name in enumerate(table.column_names):
        parts.append(("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":")
        parts.append(_value_texts(table.column(i).combine_chunks()))
    parts.append("}")
    joined: pa.Array = pc.binary_join_element_wise(*parts, "")
    return joined


def lines_bytes(texts: pa.Array | pa.ChunkedArray) -> bytes:
    """The strings of `texts` (nulls skipped), each followed by a newline, as one buffer:
    the values buffer of the element-wise joined array, with no loop over rows."""
    if len(texts) == 0:
        return b""
    joined = pc.binary_join_element_wise(pc.cast(texts, pa.string()), "", "\n")
    joined = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    array = joined.cast(pa.large_string())  # 64-bit offsets
    _, offsets, data = array.buffers()
    if data is None:
        return b""
    bounds = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    out: bytes = data[int(bounds[0]) : int(bounds[-1])].to_pybytes()
    return out


def _value_texts(col: pa.Array) -> pa.Array:
    t = col.type
    if pa.types.is_dictionary(t):
        return _value_texts(col.dictionary_decode())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        text = _quote(col.cast(pa.string()))
    elif pa.types.is_boolean(t):
        text = pc.if_else(col, "true", "false")
    elif pa.types.is_integer(t) or pa.types.is_decimal(t):
        text = col.cast(pa.string())
    elif pa.types.is_floating(t):
        finite = pc.is_finite(col)
        text = pc.if_else(finite, col.cast(pa.string()), pa.scalar(None, pa.string()))
        text = pc.if_else(
            pc.match_substring_regex(text, r"^-?[0-9]+$"),
            pc.binary_join_element_wise(text, ".0", ""),
            text,
        )
    elif pa.types.is_timestamp(t):
        # casting to text is ~30x faster than strftime: "2026-06-01 19:22:05.123[Z]"
        naive = col.cast(pa.timestamp(t.unit)) if t.tz is not None else col
        iso = pc.replace_substring(naive.cast(pa.string()), " ", "T", max_replacements=1)
        text = _quote(pc.binary_join_element_wise(iso, "Z", ""))
    elif pa.types.is_date(t):
        text = _quote(col.cast(pa.string()))
    else:
        values = [
            json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)
            for v in col.to_pylist()
        ]
        return pa.array(values, pa.string())
    filled: pa.Array = pc.fill_null(text, "null")
    return filled


def _quote(s: pa.Array) -> pa.Array:
    s = pc.replace_substring(s, "\\", "\\\\")
    s = pc.replace_substring(s, '"', '\\"')
    if pc.any(pc.match_substring_regex(s, r"[\x00-\x1f]")).as_py():
        for code in range(0x20):
            s = pc.replace_substring(s, chr(code), _CONTROL.get(code, f"\\u{code:04x}"))
    quoted: pa.Array = pc.binary_join_element_wise('"', s, '"', "")
    return quoted
