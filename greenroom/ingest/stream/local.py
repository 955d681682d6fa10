"""The embedded, durable stream: Kinesis semantics in a directory, no server.

Layout under the stream's root (by default `<home>/state/stream/<name>/`)::

    stream.json                      name, shard count, format (written once, atomically)
    writer.lock                      flock held by the one process that appends
    shards/shardId-000000000000/     append-only segments, see `_shard_log.py`

A record goes to the shard whose hash-key range holds MD5(partition key), ranges split
evenly as Kinesis splits them, so a key lands on the same shard index on both backends. Sequence numbers are per shard, start at 1
and are written as 20-digit decimal strings (so they sort as strings too). A put writes
each shard's part with one `write` and fsyncs the touched shards once, in parallel,
so an accepted record survives SIGKILL of any process. The writer lock is taken on the
first put and held until `close()`; readers take no lock and see only whole frames.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from greenroom.ingest.stream._shard_log import ShardLog, fsync_dir
from greenroom.ingest.stream.base import (
    Backlog,
    PutResult,
    Retention,
    RetryPolicy,
    Stream,
    StreamRecord,
)
from greenroom.ingest.stream.exceptions import (
    InvalidPositionError,
    StreamBusyError,
    StreamConfigError,
    StreamNotFoundError,
    UnknownShardError,
)

FailHook = Callable[[Sequence[str]], Sequence[bool]]
"""Given one attempt's partition keys, says which records to fail (tests inject throttling)."""

_FORMAT = 1
_RETENTION_EVERY_S = 30.0
_UTC = dt.UTC


def shard_index(partition_key: str, shards: int) -> int:
    """The shard whose hash-key range holds MD5(`partition_key`), ranges split as Kinesis does.

    Kinesis gives shard i of an evenly split stream the keys `[i*step, (i+1)*step)` with
    `step = 2**128 // shards` (the last shard takes the remainder); so does this.
    """
    digest = int.from_bytes(hashlib.md5(partition_key.encode(), usedforsecurity=False).digest())
    return min(digest // (2**128 // shards), shards - 1)


def shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


class LocalStream(Stream):
    backend = "local"
    max_put_records = 10_000
    max_put_bytes = 32 * 1024 * 1024

    def __init__(
        self,
        root: Path,
        name: str | None = None,
        *,
        shards: int | None = None,
        create: bool = True,
        segment_bytes: int = 16 * 1024 * 1024,
        retention: Retention | None = None,
        fsync: bool = True,
        lock_timeout: float = 10.0,
        fail_hook: FailHook | None = None,
        clock: Callable[[], float] = time.time,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(name or Path(root).name, retry=retry, sleep=sleep)
        self.root = Path(root)
        self._retention = retention or Retention()
        self._fsync = fsync
        self._lock_timeout = lock_timeout
        self._fail_hook = fail_hook
        self._clock = clock
        meta = self._open_meta(shards, create)
        self.shard_count: int = meta["shards"]
        self._ids = [shard_id(i) for i in range(self.shard_count)]
        self._logs = [ShardLog(self.root / "shards" / sid, sid, segment_bytes) for sid in self._ids]
        self._route: dict[str, int] = {}
        self._lock_fd: int | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._last_arrival = 0
        self._last_retention = 0.0

    # -- the Stream interface --------------------------------------------------------------
    def shards(self) -> list[str]:
        return list(self._ids)

    @property
    def retention(self) -> Retention:
        return self._retention

    def read(self, shard: str, after_sequence: str | None, limit: int) -> list[StreamRecord]:
        log = self._log(shard)
        frames = log.read(self._position(after_sequence), limit)
        out: list[StreamRecord] = []
        when_us, when = -1, dt.datetime.min
        for fr in frames:
            if fr.arrival_us != when_us:  # a put's records share one arrival time
                when_us, when = fr.arrival_us, dt.datetime.fromtimestamp(fr.arrival_us / 1e6, _UTC)
            out.append(StreamRecord(shard, f"{fr.sequence:020d}", fr.key, fr.data, when))
        return out

    def backlog(self, shard: str, after_sequence: str | None, cap: int = 100_000) -> Backlog:
        first, last = self._log(shard).bounds()
        if first is None or last is None:
            return Backlog(after_sequence, 0)
        start = max(self._position(after_sequence) + 1, first)
        return Backlog(f"{last:020d}", max(0, last - start + 1))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for log in self._logs:
            log.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def enforce_retention(self, now: float | None = None) -> int:
        """Drop sealed segments past retention in every shard; returns how many."""
        self._ensure_writer()
        return self._drop_old(self._clock() if now is None else now)

    # -- writing -------------------------------------------------------------------------
    def _put_batch(self, records: Sequence[bytes], partition_keys: Sequence[str]) -> PutResult:
        self._ensure_writer()
        n = len(records)
        shard_ids: list[str | None] = [None] * n
        sequences: list[str | None] = [None] * n
        codes: list[str | None] = [None] * n
        if self._fail_hook is not None:
            for i, fail in enumerate(self._fail_hook(partition_keys)):
                if fail:
                    codes[i] = "ProvisionedThroughputExceededException"
        groups: dict[int, list[int]] = {}
        route = self._route
        if len(route) > 200_000:
            route.clear()
        for i, key in enumerate(partition_keys):
            if codes[i] is None:
                index = route.get(key)
                if index is None:
                    index = route[key] = shard_index(key, self.shard_count)
                groups.setdefault(index, []).append(i)
        now = self._clock()
        arrival = self._last_arrival = max(self._last_arrival, int(now * 1e6))
        for index, idxs in groups.items():
            first = self._logs[index].append(
                [partition_keys[i].encode() for i in idxs], [records[i] for i in idxs], arrival
            )
            sid = self._ids[index]
            for seq, i in enumerate(idxs, first):
                shard_ids[i] = sid
                sequences[i] = f"{seq:020d}"
        if self._fsync:
            self._sync([self._logs[index] for index in groups])
        if now - self._last_retention >= _RETENTION_EVERY_S:
            self._drop_old(now)
        return PutResult(shard_ids, sequences, codes)

    def _sync(self, logs: list[ShardLog]) -> None:
        """fdatasync the touched shards, in parallel: one flush's latency instead of N."""
        if len(logs) == 1:
            logs[0].sync()
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(min(8, self.shard_count), "stream-fsync")
        for done in [self._pool.submit(log.sync) for log in logs]:
            done.result()

    def _ensure_writer(self) -> None:
        if self._lock_fd is not None:
            return
        fd = os.open(self.root / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StreamBusyError(
                        f"another process is writing to stream `{self.name}` ({self.root}); "
                        f"wait for it to finish (one producer at a time) and retry"
                    ) from None
                time.sleep(0.05)
        self._lock_fd = fd
        for log in self._logs:
            log.open_for_append()
        self._drop_old(self._clock())

    def _drop_old(self, now: float) -> int:
        self._last_retention = now
        r = self._retention
        age = None if r.max_age is None else int(r.max_age.total_seconds() * 1e6)
        return sum(log.drop_old(age, r.max_bytes, int(now * 1e6)) for log in self._logs)

    # -- helpers -------------------------------------------------------------------------
    def _log(self, shard: str) -> ShardLog:
        try:
            return self._logs[self._ids.index(shard)]
        except ValueError:
            raise UnknownShardError(self.name, shard, self._ids) from None

    def _position(self, sequence: str | None) -> int:
        if sequence is None:
            return 0
        if not sequence.isdigit() or len(sequence) > 20:
            raise InvalidPositionError(self.name, sequence)
        return int(sequence)

    def _open_meta(self, shards: int | None, create: bool) -> dict[str, Any]:
        meta_path = self.root / "stream.json"
        if not meta_path.exists():
            if not create:
                raise StreamNotFoundError(self.name, str(self.root))
            _create_meta(self.root, meta_path, self.name, 4 if shards is None else shards)
        meta: dict[str, Any] = json.loads(meta_path.read_text())
        if meta.get("format") != _FORMAT:
            raise StreamConfigError(
                f"stream directory `{self.root}` has format {meta.get('format')}, this greenroom "
                f"reads format {_FORMAT}; consume it with the version that wrote it, then drop it"
            )
        if shards is not None and shards != meta["shards"]:
            raise StreamConfigError(
                f"stream `{self.name}` has {meta['shards']} shards, not {shards}; open it with "
                f"shards={meta['shards']} (or unset the shard count) or use a new stream name"
            )
        return meta


def _create_meta(root: Path, meta_path: Path, name: str, shards: int) -> None:
    if not 1 <= shards <= 1024:
        raise StreamConfigError(f"shard count {shards} for stream `{name}` must be 1-1024")
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".stream.json.{os.getpid()}.tmp"
    body = {
        "format": _FORMAT,
        "name": name,
        "shards": shards,
        "created_at": dt.datetime.now(_UTC).isoformat(),
    }
    tmp.write_text(json.dumps(body, indent=2))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    try:
        os.link(tmp, meta_path)  # create-if-absent, atomically: the first creator wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    fsync_dir(root)
