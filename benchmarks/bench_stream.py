"""Local stream throughput: produce, consume, end to end; consumer lag; peak memory.

    .venv/bin/python benchmarks/bench_stream.py [--events 200000] [--shards 4] [--batch 1000]

Prints figures, asserts nothing. Events have the `stream_sales` columns and are built
here with numpy (no synthetic world needed), 2% of them replays of earlier ones.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.ingest.stream import Consumer, FileCheckpointStore, LocalStream, StreamRecord
from greenroom.ingest.stream.decode import decode_sales
from greenroom.ingest.stream.producer import produce


def _ids(prefix: str, values: np.ndarray) -> pa.Array:
    joined: pa.Array = pc.binary_join_element_wise(prefix, pa.array(values).cast(pa.string()), "")
    return joined


def events(n: int, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    unique = n - n // 50
    idx = pa.array(np.concatenate([np.arange(unique), rng.integers(0, unique, n - unique)]))
    concerts = _ids("vvG1", rng.integers(0, 3000, unique))
    occurred = pa.array(
        1_780_000_000_000 + np.sort(rng.integers(0, 86_400_000, unique)), pa.timestamp("ms", "UTC")
    )
    table = pa.table(
        {
            "event_id": _ids("evt-", np.arange(unique)),
            "event_type": pa.array(["ticket.sold"] * unique),
            "sale_id": _ids("TMS-", np.arange(unique)),
            "event_ref": concerts,
            "customer_id": _ids("C", rng.integers(0, 20_000, unique)),
            "tier": pa.array(np.array(["GA", "reserved", "VIP"])[rng.integers(0, 3, unique)]),
            "quantity": rng.integers(1, 9, unique),
            "unit_price": np.round(rng.uniform(20, 300, unique), 2),
            "currency": pa.array(["USD"] * unique),
            "occurred_at": occurred,
            "emitted_at": occurred,
            "partition_key": concerts,
        }
    )
    return table.take(idx)  # 2% replays at the end


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def consume_all(
    stream: LocalStream,
    store: FileCheckpointStore,
    name: str,
    batch: int,
    total: int,
    decode: bool,
    lag: list[int],
) -> tuple[float, float]:
    seen = 0

    def handle(records: list[StreamRecord]) -> None:
        nonlocal seen
        if decode:
            decode_sales(records)
        seen += len(records)
        lag.append(sum(s.behind for s in consumer.status()))

    consumer = Consumer(stream, store, name, handle, batch, poll_interval=0.01)
    started = time.perf_counter()
    max_age = 0.0
    while seen < total:
        stats = consumer.run(until_idle=True)
        max_age = max(max_age, stats.max_age_seconds)
        if seen < total:
            time.sleep(0.01)
    return time.perf_counter() - started, max_age


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--batch", type=int, default=1000, help="consumer micro-batch size")
    ap.add_argument(
        "--put-batch",
        type=int,
        default=500,
        help="records per put_records call (500 = a live producer at Kinesis' limit; "
        "bulk loads can use up to 10,000)",
    )
    args = ap.parse_args()
    n = args.events
    table = events(n)
    print(
        f"events: {n:,}  shards: {args.shards}  put batch: {args.put_batch}  "
        f"consumer batch: {args.batch}  (peak RSS after building events {peak_mib():.0f} MiB)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # 1. produce alone
        stream = LocalStream(root / "s1", shards=args.shards)
        t0 = time.perf_counter()
        ps = produce(stream, table, batch_size=args.put_batch)
        dt_p = time.perf_counter() - t0
        print(
            f"produce:            {n / dt_p:>10,.0f} events/s  ({dt_p:.2f} s, "
            f"{ps.bytes / dt_p / 2**20:.1f} MiB/s, {ps.batches} puts)  peak RSS {peak_mib():.0f} MiB"
        )
        # 2. consume alone (trivial handler), then again decoding every batch to Arrow
        store = FileCheckpointStore(root / "s1" / "checkpoints")
        reader = LocalStream(root / "s1")  # as a consumer process would open it
        for label, decode in (("consume (trivial)", False), ("consume (+decode)", True)):
            lag: list[int] = []
            dt_c, _ = consume_all(
                reader, store, label.split()[1].strip("(+)"), args.batch, n, decode, lag
            )
            print(
                f"{label + ':':<20}{n / dt_c:>10,.0f} events/s  ({dt_c:.2f} s)  "
                f"peak RSS {peak_mib():.0f} MiB"
            )
        stream.close()
        # 3. end to end: a producer process and this consumer running at once
        store = FileCheckpointStore(root / "s2" / "checkpoints")
        LocalStream(root / "s2", shards=args.shards).close()
        reader = LocalStream(root / "s2")
        lag = []
        t0 = time.perf_counter()
        producer = mp.get_context("fork").Process(
            target=_produce_into, args=(root / "s2", table, args.put_batch)
        )
        producer.start()
        dt_c, max_age = consume_all(reader, store, "e2e", args.batch, n, False, lag)
        producer.join()
        dt_e = time.perf_counter() - t0
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"end to end:         {n / dt_e:>10,.0f} events/s  ({dt_e:.2f} s, producer process + "
            f"consumer)  peak RSS consumer {peak_mib():.0f} MiB, producer {child:.0f} MiB"
        )
        print(
            f"consumer lag:       max {max(lag):,} records behind after a batch, "
            f"median {int(np.median(lag)):,}; max record age when read {max_age * 1000:.0f} ms"
        )
        reader.close()


def _produce_into(root: Path, table: pa.Table, put_batch: int | None) -> None:
    with LocalStream(root) as stream:
        produce(stream, table, batch_size=put_batch)


if __name__ == "__main__":
    main()
