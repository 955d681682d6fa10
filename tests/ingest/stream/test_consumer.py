"""The consumer's loop on the local stream: batching, fairness, stopping, leases, errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from greenroom.errors import TransientError
from greenroom.ingest.stream import (
    Consumer,
    ConsumerStats,
    FileCheckpointStore,
    LocalStream,
    StreamRecord,
)
from greenroom.ingest.stream.exceptions import StreamBusyError


@pytest.fixture
def stream(tmp_path: Path) -> LocalStream:
    s = LocalStream(tmp_path / "s", shards=2)
    keys = ["a", "b"]  # one per shard
    assert len({s.put_records([b"x"], [k]).shard_ids[0] for k in keys}) == 2
    s.put_records(
        [f"{k}{i}".encode() for i in range(20) for k in keys], [k for _ in range(20) for k in keys]
    )
    return s


def test_batches_take_turns_over_the_shards(stream: LocalStream, tmp_path: Path) -> None:
    batches: list[list[StreamRecord]] = []
    consumer = Consumer(stream, FileCheckpointStore(tmp_path / "cp"), "c", batches.append, 5)
    stats = consumer.run(max_batches=4)
    assert stats.batches == 4 and stats.records == 20 and not stats.caught_up
    shards_first = [b[0].shard_id for b in batches]
    assert shards_first[0] != shards_first[1] and shards_first[0] == shards_first[2]
    assert set(stats.per_shard.values()) == {10}
    rest = consumer.run(until_idle=True)
    assert (
        rest.records == 22 and rest.caught_up and rest.positions == stats.positions | rest.positions
    )


def test_stop_ends_the_run_after_the_batch_in_hand(stream: LocalStream, tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "cp")
    seen: list[StreamRecord] = []

    def handle(records: list[StreamRecord]) -> None:
        seen.extend(records)
        consumer.stop()

    consumer = Consumer(stream, store, "c", handle, 7)
    stats = consumer.run()  # would poll forever without stop()
    assert stats.batches == 1 and len(seen) == 7
    assert sum(int(v) for v in store.get_all("c").values()) == 7


def test_a_greenroom_error_from_the_handler_passes_through(
    stream: LocalStream, tmp_path: Path
) -> None:
    store = FileCheckpointStore(tmp_path / "cp")

    def handle(records: list[StreamRecord]) -> None:
        raise TransientError("bronze commit conflicted; retry")

    with pytest.raises(TransientError, match="conflicted"):
        Consumer(stream, store, "c", handle).run(until_idle=True)
    assert store.get_all("c") == {}


def test_two_runs_under_one_name_cannot_overlap(stream: LocalStream, tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "cp")
    inner_error: list[Exception] = []

    def handle(records: list[StreamRecord]) -> None:
        try:
            Consumer(stream, FileCheckpointStore(tmp_path / "cp"), "c", lambda _: None).run(
                until_idle=True
            )
        except StreamBusyError as exc:
            inner_error.append(exc)

    Consumer(stream, store, "c", handle).run(max_batches=1)
    assert len(inner_error) == 1 and "already running" in str(inner_error[0])


def test_a_polling_consumer_picks_up_new_records_until_stopped(
    stream: LocalStream, tmp_path: Path
) -> None:
    seen: list[StreamRecord] = []
    results: list[ConsumerStats] = []
    consumer = Consumer(
        stream, FileCheckpointStore(tmp_path / "cp"), "c", seen.extend, 100, poll_interval=0.01
    )
    runner = threading.Thread(target=lambda: results.append(consumer.run()))
    runner.start()
    _wait_for(lambda: len(seen) == 42)
    stream.put_records([b"late"], ["a"])
    _wait_for(lambda: len(seen) == 43)
    consumer.stop()
    runner.join(timeout=30)
    assert not runner.is_alive()
    assert results[0].records == 43 and not results[0].caught_up and seen[-1].data == b"late"


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the consumer made no progress"
        time.sleep(0.01)
