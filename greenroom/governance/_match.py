"""Which rows of an Arrow table mention a person: a regex over every text value.

Text columns are searched directly; lists and structs are searched inside (a list row
matches when one of its items does). Maps and binary columns are not searched: no greenroom
table keeps personal data in one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def row_mask(table: pa.Table, pattern: str) -> pa.Array:
    """A boolean array: True for each row of `table` where any text value matches `pattern`."""
    hit = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        hit |= _match(column.combine_chunks(), pattern)
    return pa.array(hit)


def _match(values: pa.Array, pattern: str) -> np.ndarray:
    n = len(values)
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        found = pc.match_substring_regex(values, pattern=pattern)
        return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        items = pc.list_flatten(values)
        inner = _match(items, pattern)
        if not inner.any():
            return np.zeros(n, dtype=bool)
        parents = pc.list_parent_indices(values).to_numpy()
        out = np.zeros(n, dtype=bool)
        out[parents[inner]] = True
        return out
    if pa.types.is_struct(kind):
        out = np.zeros(n, dtype=bool)
        assert isinstance(values, pa.StructArray)
        for child in values.flatten():  # flatten applies the offset and the parent's nulls
            out |= _match(child, pattern)
        return out
    return np.zeros(n, dtype=bool)
