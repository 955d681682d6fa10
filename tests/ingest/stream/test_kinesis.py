"""Kinesis-only behaviour against moto's server: throttled requests, expired iterators, errors."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from greenroom.ingest.stream.exceptions import StreamNotFoundError, StreamUnavailableError
from greenroom.ingest.stream.kinesis import KinesisStream
from tests.ingest.stream.conftest import kinesis_client

pytestmark = pytest.mark.integration


class ScriptedFailures:
    """Wraps a client: the first calls of an operation raise the given error codes."""

    def __init__(self, client: Any, operation: str, codes: list[str]) -> None:
        self._client, self._operation, self._codes = client, operation, codes
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._client, name)
        if name != self._operation:
            return real

        def call(**kwargs: Any) -> Any:
            self.calls += 1
            if self._codes:
                code = self._codes.pop(0)
                raise ClientError({"Error": {"Code": code, "Message": code}}, name)
            return real(**kwargs)

        return call


def new_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_a_throttled_request_is_retried_as_a_whole(moto_endpoint: str) -> None:
    client = ScriptedFailures(
        kinesis_client(moto_endpoint), "put_records", ["ProvisionedThroughputExceededException"]
    )
    sleeps: list[float] = []
    stream = KinesisStream(new_name(), shards=1, client=client, sleep=sleeps.append)
    result = stream.put_records([b"a", b"b"], ["k", "k"])
    assert result.failed_count == 0 and result.attempts == 2 and result.retried == 2
    assert client.calls == 2 and len(sleeps) == 1
    assert [r.data for r in stream.read(stream.shards()[0], None, 10)] == [b"a", b"b"]


def test_throttled_and_expired_reads_recover(moto_endpoint: str) -> None:
    name = new_name()
    writer = KinesisStream(name, shards=1, client=kinesis_client(moto_endpoint))
    writer.put_records([b"a", b"b", b"c"], ["k"] * 3)
    client = ScriptedFailures(
        kinesis_client(moto_endpoint),
        "get_records",
        ["ProvisionedThroughputExceededException", "ExpiredIteratorException"],
    )
    sleeps: list[float] = []
    reader = KinesisStream(name, client=client, sleep=sleeps.append)
    shard = reader.shards()[0]
    assert [r.data for r in reader.read(shard, None, 10)] == [b"a", b"b", b"c"]
    assert len(sleeps) == 1 and client.calls == 3


def test_reads_go_on_from_the_kept_iterator(moto_endpoint: str) -> None:
    client = ScriptedFailures(kinesis_client(moto_endpoint), "get_shard_iterator", [])
    stream = KinesisStream(new_name(), shards=1, client=client)
    stream.put_records([f"r{i}".encode() for i in range(9)], ["k"] * 9)
    shard = stream.shards()[0]
    first = stream.read(shard, None, 4)
    second = stream.read(shard, first[-1].sequence_number, 4)
    third = stream.read(shard, second[-1].sequence_number, 4)
    assert [r.data for r in first + second + third] == [f"r{i}".encode() for i in range(9)]
    assert client.calls == 1  # one GetShardIterator for the whole walk


def test_missing_stream_unreachable_endpoint_and_retention(moto_endpoint: str) -> None:
    with pytest.raises(StreamNotFoundError, match="does not exist at Kinesis"):
        KinesisStream(new_name(), create=False, client=kinesis_client(moto_endpoint))
    stream = KinesisStream(
        new_name(), shards=1, retention_hours=48, client=kinesis_client(moto_endpoint)
    )
    assert stream.retention.max_age == dt.timedelta(hours=48)
    stream.delete()

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    import boto3

    client = boto3.client(
        "kinesis",
        endpoint_url=dead,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )
    with pytest.raises(StreamUnavailableError, match="cannot reach Kinesis"):
        KinesisStream(new_name(), client=client, endpoint_url=dead)
