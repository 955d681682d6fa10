"""What the `greenroom stream …` commands run: open the configured stream, produce given
events into it, consume them into bronze, report lag. Where the events come from (the
synthetic world's live sales) is wired in `greenroom.compose`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import pyarrow as pa

    from greenroom.config import Settings
    from greenroom.ingest.stream import (
        Consumer,
        ConsumerStats,
        FileCheckpointStore,
        Stream,
        StreamStatus,
    )
    from greenroom.ingest.stream.producer import ProduceStats
    from greenroom.ingest.stream.sink import CommitResult
    from greenroom.lake import Lakehouse


def open_configured_stream(settings: Settings) -> tuple[Stream, FileCheckpointStore]:
    from greenroom.ingest.stream import Retention, open_checkpoints, open_stream

    cfg = settings.stream
    stream = open_stream(
        cfg.backend,
        cfg.name,
        state_dir=settings.state_dir,
        shards=cfg.shards,
        retention=Retention(max_age=timedelta(hours=cfg.retention_hours)),
        endpoint_url=cfg.kinesis_endpoint,
        region=cfg.kinesis_region,
    )
    return stream, open_checkpoints(cfg.backend, cfg.name, state_dir=settings.state_dir)


def produce_events(settings: Settings, events: pa.Table) -> ProduceStats:
    """Put `events` (rows keyed by `partition_key`, e.g. `synth.LIVE_SCHEMA`) on the
    configured stream."""
    from greenroom.ingest.stream.producer import produce

    stream, _ = open_configured_stream(settings)
    try:
        return produce(stream, events)
    finally:
        stream.close()


@dataclass
class ConsumeTotals:
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def add(self, result: CommitResult) -> None:
        self.received += result.received
        self.accepted += result.inserted
        self.duplicates += result.duplicates
        self.quarantined += result.rejected


def bronze_consumer(
    lake: Lakehouse, settings: Settings, totals: ConsumeTotals
) -> tuple[Consumer, Callable[[], None]]:
    """A consumer committing to bronze, and the function that releases it (the stream, and
    the sink's in-memory id indexes) once it has run."""
    from greenroom.ingest.stream import Consumer
    from greenroom.ingest.stream.bronze import BronzeSaleSink
    from greenroom.ingest.stream.sink import sink_handler

    stream, checkpoints = open_configured_stream(settings)
    sink = BronzeSaleSink(lake, settings, stream.name)
    consumer = Consumer(
        stream,
        checkpoints,
        settings.stream.consumer,
        sink_handler(sink, totals.add),
        batch_size=settings.stream.batch_size,
    )

    def close() -> None:
        sink.close()
        stream.close()

    return consumer, close


def consume_live(
    lake: Lakehouse, settings: Settings, *, until_idle: bool, max_batches: int | None = None
) -> tuple[ConsumerStats, ConsumeTotals]:
    import signal

    totals = ConsumeTotals()
    consumer, close = bronze_consumer(lake, settings, totals)
    previous = signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
    try:
        return consumer.run(until_idle=until_idle, max_batches=max_batches), totals
    except KeyboardInterrupt:
        consumer.stop()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        close()


def live_status(settings: Settings) -> StreamStatus:
    from greenroom.ingest.stream import stream_status

    stream, checkpoints = open_configured_stream(settings)
    try:
        return stream_status(stream, checkpoints)
    finally:
        stream.close()
