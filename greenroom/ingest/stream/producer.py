"""Put live sale events on a stream: each row as compact JSON, keyed by a column.

The events come from `greenroom.synth.live_events(truth_dir, count, seed)` (the columns
of `stream_sales` in docs/synthetic-data.md, with its replays, out-of-order and late
events) or any Arrow table. Rows are serialised column-wise (`_json_rows.py`) a slice at a
time, so memory stays bounded for large event tables, and put in order in batches.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.ingest.stream._json_rows import json_rows
from greenroom.ingest.stream.base import PutResult, Stream
from greenroom.ingest.stream.exceptions import InvalidRecordError, PutFailedError

_SLICE_ROWS = 20_000


@dataclass(frozen=True)
class ProduceStats:
    records: int
    bytes: int
    batches: int
    retried: int
    """Records sent again after partial failures."""
    shards: dict[str, int]
    """Records accepted per shard."""
    seconds: float


def produce(
    stream: Stream,
    events: pa.Table,
    key_column: str = "partition_key",
    *,
    batch_size: int | None = None,
    on_batch: Callable[[PutResult], None] | None = None,
) -> ProduceStats:
    """Put every row of `events` on `stream`; raises `PutFailedError` if retries run out.

    `batch_size` records go to each `put_records` call (default: the backend's limit,
    500 for Kinesis, 10,000 for the local stream, one fsync per shard per call).
    """
    if key_column not in events.column_names:
        raise InvalidRecordError(
            f"events have no partition key column `{key_column}`; columns are "
            f"{', '.join(events.column_names)}: pass key_column=..."
        )
    keys_col = events.column(key_column)
    if keys_col.null_count or (
        events.num_rows and pc.min(pc.utf8_length(keys_col.cast(pa.string()))).as_py() == 0
    ):
        raise InvalidRecordError(
            f"column `{key_column}` has null or empty partition keys; every event needs one"
        )
    batch_size = batch_size or stream.max_put_records
    started = time.perf_counter()
    records = size = batches = retried = 0
    shards: Counter[str | None] = Counter()
    for offset in range(0, events.num_rows, _SLICE_ROWS):
        part = events.slice(offset, _SLICE_ROWS)
        datas: list[bytes] = json_rows(part).cast(pa.binary()).to_pylist()
        keys: list[str] = part.column(key_column).cast(pa.string()).to_pylist()
        for start in range(0, len(datas), batch_size):
            chunk, chunk_keys = datas[start : start + batch_size], keys[start : start + batch_size]
            result = stream.put_records(chunk, chunk_keys)
            if result.failed_count:
                raise PutFailedError(
                    stream.name, result.failed_count, len(chunk), result.error_counts()
                )
            if on_batch is not None:
                on_batch(result)
            batches += 1
            records += len(chunk)
            size += sum(map(len, chunk))
            retried += result.retried
            shards.update(Counter(result.shard_ids))
    return ProduceStats(
        records,
        size,
        batches,
        retried,
        {k or "": v for k, v in shards.items()},
        time.perf_counter() - started,
    )
