"""Fixtures for the stream tests: sale events, a moto Kinesis server, streams per backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from greenroom.ingest.stream import LocalStream, RetryPolicy, Stream

FailFn = Callable[[Sequence[str]], Sequence[bool]]


def sale_events(n: int, *, replays: int = 0, concerts: int = 7, seed: int = 1) -> pa.Table:
    """`n` distinct sale events (stream_sales columns) followed by `replays` exact repeats."""
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        ref = f"vvG1{i % concerts:04d}"
        minute = (i * 7919) % 600  # occurred_at out of order with respect to emission
        rows.append(
            {
                "event_id": f"evt-{i:06d}",
                "event_type": "ticket.sold",
                "sale_id": f"TMS-{i:06d}",
                "event_ref": ref,
                "customer_id": f"C{rng.randrange(1000):05d}",
                "tier": rng.choice(["GA", "reserved", "VIP"]),
                "quantity": rng.randint(1, 8),
                "unit_price": round(rng.uniform(20, 300), 2),
                "currency": "USD",
                "occurred_at": f"2026-06-01T{10 + minute // 60:02d}:{minute % 60:02d}:05.123Z",
                "emitted_at": f"2026-06-01T{10 + i // 6000:02d}:{(i // 100) % 60:02d}:06.000Z",
                "partition_key": ref,
                "segment": rng.choice(["casual", "fan", "superfan", "corporate"]),
            }
        )
    rows += [rows[rng.randrange(n)] for _ in range(replays)]
    return pa.Table.from_pylist(rows)


class FlakyKinesisClient:
    """A boto3 Kinesis client whose put_records answers like a throttled shard for some records."""

    def __init__(self, client: Any, fail: FailFn) -> None:
        self._client = client
        self._fail = fail

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_records(self, StreamName: str, Records: list[dict[str, Any]]) -> dict[str, Any]:
        mask = list(self._fail([r["PartitionKey"] for r in Records]))
        ok = [r for r, failed in zip(Records, mask, strict=True) if not failed]
        real = iter(
            self._client.put_records(StreamName=StreamName, Records=ok)["Records"] if ok else []
        )
        out = [
            {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "Rate exceeded"}
            if failed
            else next(real)
            for failed in mask
        ]
        return {"FailedRecordCount": sum(mask), "Records": out}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def kinesis_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "kinesis",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


StreamMaker = Callable[..., Stream]

BACKENDS = ["local", pytest.param("kinesis", marks=pytest.mark.integration)]


@pytest.fixture(params=BACKENDS)
def make_stream(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StreamMaker]:
    """`make_stream(shards=2, fail=None, sleeps=None)`: a fresh stream on the parametrized backend.

    Retry backoffs are appended to `sleeps` instead of waited.
    """
    backend: str = request.param
    made: list[Stream] = []

    def make(
        shards: int = 2,
        fail: FailFn | None = None,
        max_attempts: int = 5,
        sleeps: list[float] | None = None,
    ) -> Stream:
        sleeps = [] if sleeps is None else sleeps
        retry = RetryPolicy(max_attempts=max_attempts, base_delay=0.01, max_delay=0.1)
        name = f"test-{uuid.uuid4().hex[:12]}"
        stream: Stream
        if backend == "local":
            stream = LocalStream(
                tmp_path / name, shards=shards, fail_hook=fail, retry=retry, sleep=sleeps.append
            )
        else:
            from greenroom.ingest.stream.kinesis import KinesisStream

            endpoint = request.getfixturevalue("moto_endpoint")
            client = kinesis_client(endpoint)
            if fail is not None:
                client = FlakyKinesisClient(client, fail)
            stream = KinesisStream(
                name,
                shards=shards,
                client=client,
                endpoint_url=endpoint,
                retry=retry,
                sleep=sleeps.append,
            )
        made.append(stream)
        return stream

    yield make
    for stream in made:
        stream.close()
