"""What `greenroom stream status` shows: each shard's newest record and each consumer's lag."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from greenroom.ingest.stream.base import CheckpointStore, Stream
from greenroom.ingest.stream.consumer import ShardLag, consumer_lag


@dataclass(frozen=True)
class ShardState:
    shard_id: str
    last_sequence: str | None
    retained: int
    """Records still readable (a lower bound when `exact` is false)."""
    exact: bool = True


@dataclass(frozen=True)
class StreamStatus:
    name: str
    backend: str
    shards: list[ShardState]
    consumers: dict[str, list[ShardLag]]

    @property
    def retained(self) -> int:
        return sum(s.retained for s in self.shards)

    def behind(self, consumer: str) -> int:
        """Records the consumer has yet to commit, over all shards."""
        return sum(lag.behind for lag in self.consumers[consumer])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `--json`."""
        return {
            "name": self.name,
            "backend": self.backend,
            "retained": self.retained,
            "shards": [asdict(s) for s in self.shards],
            "consumers": {
                name: {"behind": self.behind(name), "shards": [asdict(lag) for lag in lags]}
                for name, lags in self.consumers.items()
            },
        }


def stream_status(stream: Stream, checkpoints: CheckpointStore) -> StreamStatus:
    shards = []
    for shard in stream.shards():
        backlog = stream.backlog(shard, None)
        shards.append(ShardState(shard, backlog.last_sequence, backlog.records, backlog.exact))
    consumers = {c: consumer_lag(stream, checkpoints.get_all(c)) for c in checkpoints.consumers()}
    return StreamStatus(stream.name, stream.backend, shards, consumers)
