"""The stream consumer (the seed's Lambda): micro-batches in, checkpoint after commit.

A batch gathers up to `batch_size` records from the shards (starting at a different shard
each time, so none starves), each from its checkpoint on. The handler commits the batch
somewhere durable; only when it returns are the shards' new positions checkpointed.
A crash before that redelivers the batch: delivery is at-least-once, and a handler that
deduplicates on a key (the sale id) makes the effect exactly-once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from greenroom.errors import GreenroomError
from greenroom.ingest.stream.base import CheckpointStore, Stream, StreamRecord, check_name
from greenroom.ingest.stream.exceptions import HandlerFailedError

Handler = Callable[[list[StreamRecord]], None]


@dataclass(frozen=True)
class ShardLag:
    shard_id: str
    checkpoint: str | None
    """The last sequence number the consumer committed (None: nothing yet)."""
    last_sequence: str | None
    """The newest sequence number in the shard."""
    behind: int
    """Records in the shard after the checkpoint."""
    exact: bool = True


@dataclass(frozen=True)
class ConsumerStats:
    batches: int
    records: int
    bytes: int
    per_shard: dict[str, int] = field(default_factory=dict)
    positions: dict[str, str] = field(default_factory=dict)
    """Checkpoint per shard when the run ended."""
    caught_up: bool = False
    max_age_seconds: float = 0.0
    """Largest age of a record when its batch was read (Kinesis' iterator age)."""
    seconds: float = 0.0


class Consumer:
    def __init__(
        self,
        stream: Stream,
        checkpoints: CheckpointStore,
        name: str,
        handler: Handler,
        batch_size: int = 1000,
        *,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.stream = stream
        self.checkpoints = checkpoints
        self.name = check_name(name, "consumer")
        self.handler = handler
        self.batch_size = max(1, batch_size)
        self._poll = poll_interval
        self._clock = clock
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask `run` to return after the batch in hand (safe from a signal handler or thread)."""
        self._stop.set()

    def run(self, until_idle: bool = False, max_batches: int | None = None) -> ConsumerStats:
        """Consume until stopped, `max_batches` are done, or (with `until_idle`) caught up."""
        started = time.perf_counter()
        self._stop.clear()
        batches = records = size = 0
        per_shard: dict[str, int] = {}
        max_age = 0.0
        caught_up = False
        with self.checkpoints.lease(self.name):
            positions = self.checkpoints.get_all(self.name)
            shards = self.stream.shards()
            turn = 0
            while not self._stop.is_set() and (max_batches is None or batches < max_batches):
                batch, moved, counts, oldest = self._gather(shards, positions, turn)
                turn += 1
                if not batch:
                    if until_idle:
                        caught_up = True
                        break
                    self._stop.wait(self._poll)  # a stop() cuts the wait short
                    shards = self.stream.shards()
                    continue
                if oldest is not None:
                    max_age = max(max_age, self._clock() - oldest)
                self._handle(batch)
                self.checkpoints.put_many(self.name, moved)  # only after the handler succeeded
                positions.update(moved)
                batches += 1
                records += len(batch)
                size += sum(len(r.data) for r in batch)
                for shard, count in counts.items():
                    per_shard[shard] = per_shard.get(shard, 0) + count
        return ConsumerStats(
            batches,
            records,
            size,
            per_shard,
            dict(positions),
            caught_up,
            max_age,
            time.perf_counter() - started,
        )

    def status(self) -> list[ShardLag]:
        """Per shard: committed position, newest sequence number, records behind."""
        positions = self.checkpoints.get_all(self.name)
        return consumer_lag(self.stream, positions)

    def _gather(
        self, shards: list[str], positions: dict[str, str], turn: int
    ) -> tuple[list[StreamRecord], dict[str, str], dict[str, int], float | None]:
        """One micro-batch: records, new positions, records per shard, oldest arrival."""
        batch: list[StreamRecord] = []
        moved: dict[str, str] = {}
        counts: dict[str, int] = {}
        oldest: float | None = None
        n = len(shards)
        for k in range(n):
            room = self.batch_size - len(batch)
            if room <= 0:
                break
            shard = shards[(turn + k) % n]
            got = self.stream.read(shard, positions.get(shard), room)
            if got:
                batch.extend(got)
                moved[shard] = got[-1].sequence_number
                counts[shard] = len(got)
                first = got[0].arrival.timestamp()  # a shard's records arrive in order
                oldest = first if oldest is None else min(oldest, first)
        return batch, moved, counts, oldest

    def _handle(self, batch: list[StreamRecord]) -> None:
        try:
            self.handler(batch)
        except GreenroomError:
            raise
        except Exception as exc:
            raise HandlerFailedError(self.name, len(batch), exc) from exc


def consumer_lag(stream: Stream, positions: dict[str, str]) -> list[ShardLag]:
    lags = []
    for shard in stream.shards():
        at = positions.get(shard)
        backlog = stream.backlog(shard, at)
        lags.append(ShardLag(shard, at, backlog.last_sequence, backlog.records, backlog.exact))
    return lags
