"""Stable canonical ids: a cluster is named after its smallest member key.

``entity_id = prefix + md5(min(source || ':' || source_record_id))[:12]`` — the same
records give the same id on every run, whatever else was resolved alongside them, and a
cluster that gains or loses a record keeps its id unless its smallest key changes. The
same formula in SQL is ``prefix || left(md5(min_key), 12)``.
"""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pyarrow.compute as pc


def hashed_ids(prefix: str, keys: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``prefix + md5(key)[:12]`` for each key (a loop over distinct keys: no md5 kernel)."""
    distinct = pc.unique(keys)
    digests = pa.array(
        [
            prefix + hashlib.md5(key.encode("utf-8")).hexdigest()[:12]
            for key in distinct.to_pylist()
        ],
        pa.string(),
    )
    return pc.take(digests, pc.index_in(keys, value_set=distinct))


def canonical_ids(prefix: str, members: pa.Table) -> pa.Table:
    """``members(unique_id, cluster)`` → ``(unique_id, entity_id)``, id from the smallest key.

    ``cluster`` is any label shared by a cluster's members (Splink's cluster id).
    """
    smallest = members.group_by("cluster", use_threads=False).aggregate([("unique_id", "min")])
    labels = pc.index_in(members["cluster"], value_set=smallest["cluster"])
    min_key = pc.take(smallest["unique_id_min"], labels)
    return pa.table({"unique_id": members["unique_id"], "entity_id": hashed_ids(prefix, min_key)})
