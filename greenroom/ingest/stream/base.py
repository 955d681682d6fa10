"""One stream interface, two backends (`local.py`, `kinesis.py`), as Kinesis Data Streams shapes it.

A stream has shards; a record goes to the shard owning the MD5 hash of its partition key
and gets a sequence number that increases within the shard. `Stream.put_records` chunks a
batch to the backend's limits and retries the failed subset of a partial failure with
exponential backoff and full jitter; a backend implements one attempt (`_put_batch`).
Sequence numbers are decimal strings: compare them with :func:`sequence_key`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from greenroom.ingest.stream.exceptions import InvalidRecordError, StreamConfigError

MAX_RECORD_BYTES = 1024 * 1024
"""Data plus partition key of one record, as Kinesis allows."""
MAX_KEY_CHARS = 256
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def sequence_key(sequence_number: str) -> int:
    """The order of a sequence number: compare `sequence_key(a) < sequence_key(b)`."""
    return int(sequence_number)


def check_name(name: str, what: str = "stream") -> str:
    """A stream or consumer name: 1-128 of letters, digits, `_`, `.`, `-` (Kinesis's rule)."""
    if not _NAME.match(name):
        raise StreamConfigError(
            f"{what} name `{name}` is invalid; use 1-128 letters, digits, `_`, `.` or `-`"
        )
    return name


@dataclass(frozen=True, slots=True)
class StreamRecord:
    shard_id: str
    sequence_number: str
    partition_key: str
    data: bytes
    arrival: dt.datetime
    """When the stream accepted the record (UTC)."""


@dataclass(frozen=True, slots=True)
class PutEntry:
    """The fate of one record of a put: a shard and sequence number, or an error code."""

    shard_id: str | None
    sequence_number: str | None
    error_code: str | None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(frozen=True)
class PutResult:
    """Per record, in input order (columns, not objects: puts are hot)."""

    shard_ids: Sequence[str | None]
    sequence_numbers: Sequence[str | None]
    error_codes: Sequence[str | None]
    """None where the record was accepted."""
    attempts: int = 1
    """The most attempts any chunk needed."""
    retried: int = 0
    """Records sent again after a partial failure."""

    @property
    def failed_count(self) -> int:
        return len(self.error_codes) - list(self.error_codes).count(None)

    def entry(self, i: int) -> PutEntry:
        return PutEntry(self.shard_ids[i], self.sequence_numbers[i], self.error_codes[i])

    def error_counts(self) -> dict[str, int]:
        codes: dict[str, int] = {}
        for code in self.error_codes:
            if code is not None:
                codes[code] = codes.get(code, 0) + 1
        return codes


@dataclass(frozen=True)
class Retention:
    """How long records stay readable; whole old segments (or Kinesis' own trim) go first."""

    max_age: dt.timedelta | None = dt.timedelta(days=7)
    max_bytes: int | None = None
    """Per shard; local backend only."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter (the AWS architecture blog's recommendation)."""

    max_attempts: int = 8
    base_delay: float = 0.05
    max_delay: float = 5.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class Backlog:
    """A shard's newest sequence number and how many records lie after a position."""

    last_sequence: str | None
    records: int
    exact: bool = True
    """False when counting stopped at a cap (remote backends count by reading)."""


class Stream(ABC):
    """A sharded, ordered, retained log of records (the Kinesis Data Streams model)."""

    backend: str
    max_put_records: int = 500
    max_put_bytes: int = 5 * 1024 * 1024

    def __init__(
        self,
        name: str,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = check_name(name)
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    # -- what a backend implements ------------------------------------------------------
    @abstractmethod
    def _put_batch(self, records: Sequence[bytes], partition_keys: Sequence[str]) -> PutResult:
        """One attempt to put a chunk within the limits."""

    @abstractmethod
    def shards(self) -> list[str]:
        """The shard ids, sorted."""

    @abstractmethod
    def read(self, shard: str, after_sequence: str | None, limit: int) -> list[StreamRecord]:
        """Up to `limit` records of `shard` after `after_sequence` (None: the oldest retained)."""

    @property
    @abstractmethod
    def retention(self) -> Retention:
        """How long records stay readable."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, locks and connections."""

    # -- behaviour shared by the backends -------------------------------------------------
    def put_records(self, records: Sequence[bytes], partition_keys: Sequence[str]) -> PutResult:
        """Put `records` (routed by `partition_keys`), retrying partial failures."""
        if len(records) != len(partition_keys):
            raise InvalidRecordError(
                f"put_records got {len(records)} records but {len(partition_keys)} partition "
                f"keys; pass one key per record"
            )
        _check_records(records, partition_keys)
        n = len(records)
        shard_ids: list[str | None] = [None] * n
        sequences: list[str | None] = [None] * n
        codes: list[str | None] = [None] * n
        attempts = retried = 0
        for lo, hi in self._chunks(records, partition_keys):
            used, again = self._put_chunk(
                records, partition_keys, lo, hi, shard_ids, sequences, codes
            )
            attempts, retried = max(attempts, used), retried + again
        return PutResult(shard_ids, sequences, codes, attempts, retried)

    def backlog(self, shard: str, after_sequence: str | None, cap: int = 100_000) -> Backlog:
        """Count the records after a position by reading them (backends may do better)."""
        last, count, position = None, 0, after_sequence
        while count < cap:
            page = self.read(shard, position, min(10_000, cap - count))
            if not page:
                break
            count += len(page)
            last = position = page[-1].sequence_number
        if last is None and after_sequence is not None:
            last = after_sequence
        return Backlog(last, count, exact=count < cap)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _chunks(self, records: Sequence[bytes], keys: Sequence[str]) -> Iterator[tuple[int, int]]:
        """Index ranges `[lo, hi)` within the backend's count and byte limits per put."""
        n = len(records)
        if (
            n <= self.max_put_records
            and sum(map(len, records)) + sum(map(len, keys)) * 4 <= self.max_put_bytes
        ):
            if n:
                yield 0, n
            return
        lo, size = 0, 0
        for i, (data, key) in enumerate(zip(records, keys, strict=True)):
            m = len(data) + len(key.encode())
            if i > lo and (i - lo >= self.max_put_records or size + m > self.max_put_bytes):
                yield lo, i
                lo, size = i, 0
            size += m
        yield lo, n

    def _put_chunk(
        self,
        records: Sequence[bytes],
        keys: Sequence[str],
        lo: int,
        hi: int,
        shard_ids: list[str | None],
        sequences: list[str | None],
        codes: list[str | None],
    ) -> tuple[int, int]:
        """Put `records[lo:hi]`, re-sending the failed subset; returns (attempts, re-sent)."""
        pending = list(range(lo, hi))
        attempt = retried = 0
        while pending:
            attempt += 1
            if attempt == 1:
                got = self._put_batch(records[lo:hi], keys[lo:hi])
            else:
                self._sleep(self.retry.delay(attempt - 1, self._rng))
                retried += len(pending)
                got = self._put_batch([records[i] for i in pending], [keys[i] for i in pending])
            failed = []
            for j, i in enumerate(pending):
                shard_ids[i] = got.shard_ids[j]
                sequences[i] = got.sequence_numbers[j]
                codes[i] = got.error_codes[j]
                if codes[i] is not None:
                    failed.append(i)
            pending = failed if attempt < self.retry.max_attempts else []
        return attempt, retried


def _check_records(records: Sequence[bytes], keys: Sequence[str]) -> None:
    """Reject empty or long keys and oversized records (checked in bulk, located on failure)."""
    if not records:
        return
    key_lengths = list(map(len, keys))
    if (
        min(key_lengths) >= 1
        and max(key_lengths) <= MAX_KEY_CHARS
        and max(map(len, records)) + max(key_lengths) * 4 <= MAX_RECORD_BYTES
    ):
        return
    for i, (data, key) in enumerate(zip(records, keys, strict=True)):
        if not key or len(key) > MAX_KEY_CHARS:
            raise InvalidRecordError(
                f"record {i} has partition key `{key[:40]}` of {len(key)} characters; "
                f"keys must have 1-{MAX_KEY_CHARS}"
            )
        if len(data) + len(key.encode()) > MAX_RECORD_BYTES:
            raise InvalidRecordError(
                f"record {i} (partition key `{key}`) is {len(data)} bytes; the limit is "
                f"{MAX_RECORD_BYTES} bytes with its key: split the event"
            )


class CheckpointStore(Protocol):
    """Where a consumer remembers, per shard, the last sequence number it committed."""

    def get_all(self, consumer: str) -> dict[str, str]:
        """Shard id → last committed sequence number ({} for a new consumer)."""
        ...

    def put_many(self, consumer: str, positions: Mapping[str, str]) -> None:
        """Record several shards' positions at once, atomically (all or none)."""
        ...

    def consumers(self) -> list[str]:
        """Every consumer with a checkpoint, sorted."""
        ...

    def lease(self, consumer: str) -> contextlib.AbstractContextManager[None]:
        """Hold the right to consume as `consumer`; raises `StreamBusyError` if taken."""
        ...
