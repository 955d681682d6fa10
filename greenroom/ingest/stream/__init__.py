"""The live ticket stream: one `Stream` interface, a local durable log and Kinesis.

- `base.py`: `Stream` (put with partial-failure retry, shards, read, retention),
  `StreamRecord`, `PutResult`, the `CheckpointStore` protocol.
- `local.py`: the embedded durable stream (segments, CRC frames, fsync, flock, retention).
- `kinesis.py`: Amazon Kinesis Data Streams through boto3 (import it only when needed).
- `checkpoints.py`: per-consumer checkpoints in atomically replaced files, with a lease.
- `consumer.py`: micro-batches → handler → checkpoint (at-least-once; dedupe makes it once).
- `producer.py`: events table → compact JSON records → `put_records`.
- `decode.py`, `sink.py`: records → Arrow sale events → a sink idempotent by `sale_id`.
- `factory.py`, `status.py`: what the CLI calls.
"""

from greenroom.ingest.stream.base import (
    Backlog,
    CheckpointStore,
    PutEntry,
    PutResult,
    Retention,
    RetryPolicy,
    Stream,
    StreamRecord,
    sequence_key,
)
from greenroom.ingest.stream.checkpoints import FileCheckpointStore
from greenroom.ingest.stream.consumer import Consumer, ConsumerStats, ShardLag
from greenroom.ingest.stream.factory import Backend, open_checkpoints, open_stream, stream_dir
from greenroom.ingest.stream.local import LocalStream
from greenroom.ingest.stream.status import StreamStatus, stream_status

__all__ = [
    "Backend",
    "Backlog",
    "CheckpointStore",
    "Consumer",
    "ConsumerStats",
    "FileCheckpointStore",
    "LocalStream",
    "PutEntry",
    "PutResult",
    "Retention",
    "RetryPolicy",
    "ShardLag",
    "Stream",
    "StreamRecord",
    "StreamStatus",
    "open_checkpoints",
    "open_stream",
    "sequence_key",
    "stream_dir",
    "stream_status",
]
