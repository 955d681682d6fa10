"""Consumer checkpoints in files: one JSON document per consumer, replaced atomically.

`put_many` writes a temporary file, fsyncs it and `os.replace`s the old one, so a SIGKILL
(or a power cut) at any moment leaves either the old or the new positions, never a mix.
A read-modify-write holds a short flock per consumer; a running consumer holds its lease
(another flock) for as long as it runs, so two processes never consume as one name.
Works for either backend: Kinesis consumers keep their checkpoints here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from greenroom.ingest.stream.base import check_name, sequence_key
from greenroom.ingest.stream.exceptions import StreamBusyError


class FileCheckpointStore:
    """A `CheckpointStore` keeping `<directory>/<consumer>.json`."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)

    def get_all(self, consumer: str) -> dict[str, str]:
        path = self._path(consumer)
        try:
            doc = json.loads(path.read_text())
        except FileNotFoundError:
            return {}
        return dict(doc["shards"])

    def get(self, consumer: str, shard: str) -> str | None:
        return self.get_all(consumer).get(shard)

    def put(self, consumer: str, shard: str, sequence: str) -> None:
        self.put_many(consumer, {shard: sequence})

    def put_many(self, consumer: str, positions: Mapping[str, str]) -> None:
        """Merge `positions` into the consumer's checkpoint; a position never moves back."""
        if not positions:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._flock(f".{check_name(consumer, 'consumer')}.lock"):
            shards = self.get_all(consumer)
            for shard, seq in positions.items():
                old = shards.get(shard)
                if old is None or sequence_key(seq) > sequence_key(old):
                    shards[shard] = seq
            doc = {
                "consumer": consumer,
                "shards": dict(sorted(shards.items())),
                "updated_at": dt.datetime.now(dt.UTC).isoformat(),
            }
            path = self._path(consumer)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "w") as f:
                f.write(json.dumps(doc, indent=1))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            # No directory fsync: if a power cut loses the rename, the checkpoint moves back
            # one batch, which is redelivered and deduplicated: safe, and half the flushes.

    def delete(self, consumer: str) -> bool:
        """Forget a consumer's positions (it will start from the oldest retained record)."""
        try:
            self._path(consumer).unlink()
        except FileNotFoundError:
            return False
        return True

    def consumers(self) -> list[str]:
        if not self.dir.exists():
            return []
        return sorted(p.stem for p in self.dir.glob("*.json") if not p.name.startswith("."))

    @contextlib.contextmanager
    def lease(self, consumer: str) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(
            self.dir / f".{check_name(consumer, 'consumer')}.lease", os.O_RDWR | os.O_CREAT, 0o644
        )
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StreamBusyError(
                    f"consumer `{consumer}` is already running in another process; stop it "
                    f"or consume under another name"
                ) from None
            for stale in self.dir.glob(f".{consumer}.json.*.tmp"):  # left by a crashed run
                stale.unlink(missing_ok=True)
            yield
        finally:
            os.close(fd)  # releases the lease, as a crash would

    def _path(self, consumer: str) -> Path:
        return self.dir / f"{check_name(consumer, 'consumer')}.json"

    @contextlib.contextmanager
    def _flock(self, name: str) -> Iterator[None]:
        fd = os.open(self.dir / name, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
