"""Amazon Kinesis Data Streams behind the same `Stream` interface (boto3).

`put_records` goes out in chunks of at most 500 records / 5 MiB; records the service
rejects (`FailedRecordCount`, per-record `ErrorCode`) are retried by `Stream.put_records`
with exponential backoff and jitter, and a whole-request throttle counts as every record
failing. Reads page `get_records` with `NextShardIterator`; the iterator where a read
stopped is kept, so a consumer reading on from there makes no `GetShardIterator` call
(limited to 5 per second per shard). The endpoint and region come from arguments, so tests
point it at moto's server on 127.0.0.1. Checkpoints live in a local `CheckpointStore`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from greenroom.errors import ConfigError
from greenroom.ingest.stream.base import PutResult, Retention, RetryPolicy, Stream, StreamRecord
from greenroom.ingest.stream.exceptions import (
    InvalidPositionError,
    StreamNotFoundError,
    StreamUnavailableError,
    UnknownShardError,
)

_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "KMSThrottlingException",
    "LimitExceededException",
}
_BAD_ARGUMENT = {"InvalidArgumentException", "ValidationException"}
_MAX_PAGES = 20
"""`get_records` calls one read may make while pages come back empty but behind the tip."""


class KinesisStream(Stream):
    backend = "kinesis"
    max_put_records = 500
    max_put_bytes = 5 * 1024 * 1024

    def __init__(
        self,
        name: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        shards: int | None = None,
        create: bool = True,
        retention_hours: int | None = None,
        client: Any | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        ready_timeout: float = 60.0,
    ) -> None:
        super().__init__(name, retry=retry, sleep=sleep, rng=rng)
        self.endpoint_url = endpoint_url
        self._client = client or boto3.client(
            "kinesis",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )
        self._iterators: dict[tuple[str, str | None], str] = {}
        self._shard_ids: list[str] | None = None
        self._ensure(shards, create, retention_hours, ready_timeout)

    # -- the Stream interface --------------------------------------------------------------
    def shards(self) -> list[str]:
        ids: list[str] = []
        kwargs: dict[str, Any] = {"StreamName": self.name}
        while True:
            page = self._call("list_shards", **kwargs)
            ids.extend(s["ShardId"] for s in page["Shards"])
            token = page.get("NextToken")
            if not token:
                break
            kwargs = {"NextToken": token}
        self._shard_ids = sorted(ids)
        return list(self._shard_ids)

    @property
    def retention(self) -> Retention:
        summary = self._call("describe_stream_summary", StreamName=self.name)
        hours = summary["StreamDescriptionSummary"]["RetentionPeriodHours"]
        return Retention(max_age=dt.timedelta(hours=hours), max_bytes=None)

    def read(self, shard: str, after_sequence: str | None, limit: int) -> list[StreamRecord]:
        if (self._shard_ids is None or shard not in self._shard_ids) and shard not in self.shards():
            raise UnknownShardError(self.name, shard, self._shard_ids or [])
        iterator = self._iterators.pop((shard, after_sequence), None)
        out: list[StreamRecord] = []
        for _ in range(_MAX_PAGES):
            if iterator is None:
                iterator = self._new_iterator(
                    shard, out[-1].sequence_number if out else after_sequence
                )
            try:
                page = self._call(
                    "get_records", ShardIterator=iterator, Limit=min(10_000, limit - len(out))
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ExpiredIteratorException":
                    raise
                iterator = None
                continue
            out.extend(
                StreamRecord(
                    shard,
                    r["SequenceNumber"],
                    r["PartitionKey"],
                    r["Data"],
                    r["ApproximateArrivalTimestamp"].astimezone(dt.UTC),
                )
                for r in page["Records"]
            )
            iterator = page.get("NextShardIterator")
            if len(out) >= limit or iterator is None:
                break
            if not page.get("MillisBehindLatest"):
                break  # at the tip: another call now would only spend the read quota
        if iterator is not None:
            self._iterators[(shard, out[-1].sequence_number if out else after_sequence)] = iterator
        return out

    def delete(self) -> None:
        """Delete the stream (tests and `greenroom stream` tear-down)."""
        self._call("delete_stream", StreamName=self.name, EnforceConsumerDeletion=True)

    # -- writing -------------------------------------------------------------------------
    def _put_batch(self, records: Sequence[bytes], partition_keys: Sequence[str]) -> PutResult:
        entries = [
            {"Data": d, "PartitionKey": k} for d, k in zip(records, partition_keys, strict=True)
        ]
        try:
            resp = self._call("put_records", StreamName=self.name, Records=entries)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code not in _THROTTLED and code != "InternalFailure":
                raise
            n = len(records)  # the whole request was refused: every record failed
            return PutResult([None] * n, [None] * n, [code] * n)
        out = resp["Records"]
        return PutResult(
            [r.get("ShardId") for r in out],
            [r.get("SequenceNumber") for r in out],
            [r.get("ErrorCode") for r in out],
        )

    # -- helpers -------------------------------------------------------------------------
    def _new_iterator(self, shard: str, after_sequence: str | None) -> str:
        kwargs: dict[str, Any] = {"StreamName": self.name, "ShardId": shard}
        if after_sequence is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs["ShardIteratorType"] = "AFTER_SEQUENCE_NUMBER"
            kwargs["StartingSequenceNumber"] = after_sequence
        try:
            iterator: str = self._call("get_shard_iterator", **kwargs)["ShardIterator"]
        except ClientError as exc:
            if after_sequence is None or exc.response["Error"]["Code"] not in _BAD_ARGUMENT:
                raise
            raise InvalidPositionError(self.name, after_sequence) from None
        return iterator

    def _call(self, operation: str, **kwargs: Any) -> Any:
        """One API call; throttled reads are retried with backoff, errors get clear messages."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return getattr(self._client, operation)(**kwargs)
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code == "ResourceNotFoundException" and operation != "put_records":
                    raise StreamNotFoundError(self.name, f"Kinesis ({self._where()})") from None
                if code in _THROTTLED and operation != "put_records":
                    if attempt < self.retry.max_attempts:
                        self._sleep(self.retry.delay(attempt, self._rng))
                        continue
                    raise StreamUnavailableError(
                        f"Kinesis kept throttling `{operation}` on stream `{self.name}`; "
                        f"consume again later or add shards"
                    ) from exc
                raise
            except NoCredentialsError:
                raise ConfigError(
                    "no AWS credentials for the Kinesis stream; set AWS_PROFILE or "
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use the local stream backend"
                ) from None
            except BotoCoreError as exc:
                raise StreamUnavailableError(
                    f"cannot reach Kinesis at {self._where()} for stream `{self.name}` ({exc}); "
                    f"check the endpoint and network, then retry"
                ) from exc

    def _where(self) -> str:
        return (
            f"`{self.endpoint_url}`"
            if self.endpoint_url
            else f"region `{self._client.meta.region_name}`"
        )

    def _ensure(
        self, shards: int | None, create: bool, retention_hours: int | None, timeout: float
    ) -> None:
        try:
            status = self._call("describe_stream_summary", StreamName=self.name)
        except StreamNotFoundError:
            if not create:
                raise
            try:
                self._client.create_stream(
                    StreamName=self.name, ShardCount=4 if shards is None else shards
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ResourceInUseException":
                    raise
            status = self._call("describe_stream_summary", StreamName=self.name)
        deadline = time.monotonic() + timeout
        while status["StreamDescriptionSummary"]["StreamStatus"] not in ("ACTIVE", "UPDATING"):
            if time.monotonic() > deadline:
                raise StreamUnavailableError(
                    f"Kinesis stream `{self.name}` is not active after {timeout:.0f}s; "
                    f"check it in the AWS console and retry"
                )
            self._sleep(1.0)
            status = self._call("describe_stream_summary", StreamName=self.name)
        current = status["StreamDescriptionSummary"]["RetentionPeriodHours"]
        if retention_hours is not None and retention_hours > current:
            self._call(
                "increase_stream_retention_period",
                StreamName=self.name,
                RetentionPeriodHours=retention_hours,
            )
