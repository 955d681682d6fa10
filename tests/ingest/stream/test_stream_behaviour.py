"""One behaviour suite, run against every stream backend (local, and Kinesis on moto)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from greenroom.ingest.stream import Consumer, FileCheckpointStore, StreamRecord, sequence_key
from greenroom.ingest.stream.base import Stream
from greenroom.ingest.stream.exceptions import (
    HandlerFailedError,
    InvalidRecordError,
    PutFailedError,
    UnknownShardError,
)
from greenroom.ingest.stream.local import shard_id, shard_index
from greenroom.ingest.stream.producer import produce
from greenroom.ingest.stream.sink import SqliteSaleSink, sink_handler
from tests.ingest.stream.conftest import StreamMaker, sale_events

KEYS = [f"concert-{i}" for i in range(7)]


def put_numbered(stream: Stream, n: int, start: int = 0) -> list[tuple[str, bytes]]:
    """Put records `key|i`, round-robin over KEYS; returns (key, data) in put order."""
    sent = [
        (KEYS[i % len(KEYS)], f"{KEYS[i % len(KEYS)]}|{i}".encode())
        for i in range(start, start + n)
    ]
    result = stream.put_records([d for _, d in sent], [k for k, _ in sent])
    assert result.failed_count == 0
    return sent


def read_all(stream: Stream, shard: str, page: int = 1000) -> list[StreamRecord]:
    out: list[StreamRecord] = []
    while True:
        got = stream.read(shard, out[-1].sequence_number if out else None, page)
        if not got:
            return out
        out.extend(got)


def everything(stream: Stream) -> list[StreamRecord]:
    return [r for shard in stream.shards() for r in read_all(stream, shard)]


def test_shards_are_listed(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=3)
    assert stream.shards() == [shard_id(i) for i in range(3)]


def test_order_within_a_shard_and_sequence_numbers_increase(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=3)
    sent = put_numbered(stream, 120) + put_numbered(stream, 80, start=120)
    for shard in stream.shards():
        records = read_all(stream, shard, page=25)  # several pages
        keys = [sequence_key(r.sequence_number) for r in records]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        for key in {r.partition_key for r in records}:
            assert [r.data for r in records if r.partition_key == key] == [
                d for k, d in sent if k == key
            ]
    assert sorted(r.data for r in everything(stream)) == sorted(d for _, d in sent)


def test_put_result_names_the_shard_and_sequence_of_each_record(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=2)
    sent = [(k, k.encode() + b"!") for k in KEYS]
    result = stream.put_records([d for _, d in sent], [k for k, _ in sent])
    assert result.failed_count == 0 and result.attempts == 1 and result.retried == 0
    by_position: dict[tuple[str | None, str | None], bytes] = {
        (r.shard_id, r.sequence_number): r.data for r in everything(stream)
    }
    for i, (_, data) in enumerate(sent):
        entry = result.entry(i)
        assert entry.ok and by_position[(entry.shard_id, entry.sequence_number)] == data


def test_a_partition_key_always_maps_to_the_same_shard(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=4)
    first = stream.put_records([b"a"] * len(KEYS), KEYS)
    second = stream.put_records([b"b"] * len(KEYS), KEYS)
    assert list(first.shard_ids) == list(second.shard_ids)
    # and it is Kinesis' MD5 hash-key range, the same shard index on every backend
    assert list(first.shard_ids) == [shard_id(shard_index(k, 4)) for k in KEYS]
    for record in everything(stream):
        assert record.shard_id == shard_id(shard_index(record.partition_key, 4))


def test_reading_after_a_sequence_number_resumes_exactly(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=1)
    put_numbered(stream, 50)
    shard = stream.shards()[0]
    whole = read_all(stream, shard)
    head = stream.read(shard, None, 12)
    rest = stream.read(shard, head[-1].sequence_number, 1000)
    assert head + rest == whole and len(whole) == 50
    middle = whole[30].sequence_number  # a fresh position, not where the last read stopped
    assert stream.read(shard, middle, 5) == whole[31:36]
    assert stream.read(shard, whole[-1].sequence_number, 10) == []
    put_numbered(stream, 3, start=50)
    assert [r.data for r in stream.read(shard, whole[-1].sequence_number, 10)] == [
        f"{KEYS[i % 7]}|{i}".encode() for i in range(50, 53)
    ]


def test_partially_failed_puts_are_retried_with_backoff(make_stream: StreamMaker) -> None:
    attempts: list[int] = []

    def fail_odd_once(keys: Sequence[str]) -> list[bool]:
        attempts.append(len(keys))
        return [len(attempts) == 1 and i % 2 == 1 for i in range(len(keys))]

    sleeps: list[float] = []
    stream = make_stream(shards=2, fail=fail_odd_once, sleeps=sleeps)
    sent = [(KEYS[i % 7], f"r{i}".encode()) for i in range(40)]
    result = stream.put_records([d for _, d in sent], [k for k, _ in sent])
    assert result.failed_count == 0
    assert result.attempts == 2 and result.retried == 20 and attempts == [40, 20]
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.01
    assert sorted(r.data for r in everything(stream)) == sorted(d for _, d in sent)


def test_records_failing_every_retry_are_reported(make_stream: StreamMaker) -> None:
    def always_fail_one_key(keys: Sequence[str]) -> list[bool]:
        return [k == KEYS[0] for k in keys]

    sleeps: list[float] = []
    stream = make_stream(shards=2, fail=always_fail_one_key, max_attempts=3, sleeps=sleeps)
    sent = [(KEYS[i % 7], f"r{i}".encode()) for i in range(21)]
    result = stream.put_records([d for _, d in sent], [k for k, _ in sent])
    assert result.failed_count == 3 and result.attempts == 3
    assert result.error_counts() == {"ProvisionedThroughputExceededException": 3}
    assert len(sleeps) == 2
    assert len(everything(stream)) == 18
    with pytest.raises(PutFailedError, match="not accepted by stream") as err:
        produce(
            stream, sale_events(14, concerts=7).set_column(11, "partition_key", [[KEYS[0]] * 14])
        )
    assert err.value.failed == 14


def test_bad_puts_and_reads_are_user_errors(make_stream: StreamMaker) -> None:
    stream = make_stream(shards=1)
    with pytest.raises(InvalidRecordError, match="partition keys"):
        stream.put_records([b"a", b"b"], ["k"])
    with pytest.raises(InvalidRecordError, match="partition key ``"):
        stream.put_records([b"a"], [""])
    with pytest.raises(InvalidRecordError, match="split the event"):
        stream.put_records([b"x" * (1024 * 1024)], ["k"])
    with pytest.raises(UnknownShardError, match="no shard `shardId-000000000009`"):
        stream.read("shardId-000000000009", None, 1)


def test_consumer_checkpoints_only_after_the_handler_succeeds(
    make_stream: StreamMaker, tmp_path: Path
) -> None:
    stream = make_stream(shards=2)
    sent = put_numbered(stream, 30)
    store = FileCheckpointStore(tmp_path / "checkpoints")

    def broken(records: list[StreamRecord]) -> None:
        raise ValueError("bronze is down")

    with pytest.raises(HandlerFailedError, match="redelivers the batch") as err:
        Consumer(stream, store, "lambda", broken, batch_size=10).run(until_idle=True)
    assert err.value.records == 10 and isinstance(err.value.__cause__, ValueError)
    assert store.get_all("lambda") == {}

    seen: list[StreamRecord] = []
    stats = Consumer(stream, store, "lambda", seen.extend, batch_size=10).run(until_idle=True)
    assert stats.caught_up and stats.records == 30 and stats.batches == 3
    assert sorted(r.data for r in seen) == sorted(d for _, d in sent)  # the failed batch too
    assert store.get_all("lambda") == {
        shard: records[-1].sequence_number
        for shard in stream.shards()
        if (records := read_all(stream, shard))
    }
    again = Consumer(stream, store, "lambda", seen.extend).run(until_idle=True)
    assert again.records == 0 and len(seen) == 30


def test_consumer_lag_counts_records_behind_the_checkpoint(
    make_stream: StreamMaker, tmp_path: Path
) -> None:
    stream = make_stream(shards=2)
    put_numbered(stream, 25)
    consumer = Consumer(stream, FileCheckpointStore(tmp_path / "cp"), "c", lambda _: None, 10)
    before = consumer.status()
    assert sum(lag.behind for lag in before) == 25 and all(lag.checkpoint is None for lag in before)
    consumer.run(max_batches=1)
    assert sum(lag.behind for lag in consumer.status()) == 15
    consumer.run(until_idle=True)
    after = consumer.status()
    assert sum(lag.behind for lag in after) == 0
    assert all(lag.checkpoint == lag.last_sequence for lag in after)


def test_produced_sales_reach_the_sink_once_each(make_stream: StreamMaker, tmp_path: Path) -> None:
    stream = make_stream(shards=3)
    events = sale_events(300, replays=40)
    stats = produce(stream, events, batch_size=64)
    assert stats.records == 340 and stats.batches == 6 and sum(stats.shards.values()) == 340
    sink = SqliteSaleSink(tmp_path / "sink.db")
    handler = sink_handler(sink)
    consumer = Consumer(stream, FileCheckpointStore(tmp_path / "cp"), "bronze", handler, 50)
    assert consumer.run(until_idle=True).records == 340
    assert sink.sale_ids() == sorted(set(events.column("sale_id").to_pylist()))
    totals = sink.totals()
    assert (totals.received, totals.inserted, totals.duplicates, totals.rejected) == (
        340,
        300,
        40,
        0,
    )
    sink.close()
