"""Open a stream and its checkpoint store by backend name (what the CLI and pipeline call).

Local streams live in `<state_dir>/stream/<name>/` with their consumers' checkpoints in
`checkpoints/` beside the shards, so dropping the directory drops both. Kinesis consumers
keep checkpoints in `<state_dir>/stream-checkpoints/kinesis/<name>/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, assert_never

from greenroom.ingest.stream.base import Retention, Stream, check_name
from greenroom.ingest.stream.checkpoints import FileCheckpointStore

Backend = Literal["local", "kinesis"]
DEFAULT_STREAM = "ticket-sales"


def stream_dir(state_dir: Path, name: str) -> Path:
    return Path(state_dir) / "stream" / check_name(name)


def open_stream(
    backend: Backend,
    name: str = DEFAULT_STREAM,
    *,
    state_dir: Path,
    shards: int | None = None,
    create: bool = True,
    retention: Retention | None = None,
    endpoint_url: str | None = None,
    region: str | None = None,
) -> Stream:
    """The stream `name` on `backend`, created with `shards` shards if it does not exist."""
    if backend == "local":
        from greenroom.ingest.stream.local import LocalStream

        return LocalStream(
            stream_dir(state_dir, name), name, shards=shards, create=create, retention=retention
        )
    if backend == "kinesis":
        from greenroom.ingest.stream.kinesis import KinesisStream

        hours = None
        if retention is not None and retention.max_age is not None:
            hours = max(24, round(retention.max_age.total_seconds() / 3600))
        return KinesisStream(
            name,
            region=region,
            endpoint_url=endpoint_url,
            shards=shards,
            create=create,
            retention_hours=hours,
        )
    assert_never(backend)


def open_checkpoints(
    backend: Backend, name: str = DEFAULT_STREAM, *, state_dir: Path
) -> FileCheckpointStore:
    if backend == "local":
        return FileCheckpointStore(stream_dir(state_dir, name) / "checkpoints")
    if backend == "kinesis":
        return FileCheckpointStore(
            Path(state_dir) / "stream-checkpoints" / "kinesis" / check_name(name)
        )
    assert_never(backend)
