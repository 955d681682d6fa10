"""The stream's bronze sink: each micro-batch lands in raw + bronze with an exactly-once effect.

For a batch the consumer hands over:
1. the records are kept as received in the raw zone (`raw/stream_sales/<date>/<batch>.ndjson`);
2. events whose `sale_id` is already in bronze, or repeats within the batch (replays and
   redeliveries), are dropped and counted as duplicates;
3. the rest go through the `stream_sales` contract into bronze and quarantine, together
   with records that could not even be decoded;
4. the batch is recorded in `ops.ingestion_batches`.
The batch id is derived from the stream positions it covers. Writes append: a batch
redelivered after a crash finds its sale ids already in bronze or quarantine and adds
nothing. The consumer checkpoints only after `commit` returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.ingest import batches
from greenroom.ingest.batches import IngestionResult
from greenroom.ingest.feeds import get_feed
from greenroom.ingest.loader import lineage_columns, load_batches
from greenroom.ingest.stream._json_rows import json_rows, lines_bytes
from greenroom.ingest.stream.decode import STREAM_COLUMNS, DecodedBatch
from greenroom.ingest.stream.sink import CommitResult
from greenroom.lake.keys import KeyIndex
from greenroom.quality.validator import ContractChecker

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

FEED = "stream_sales"
POSITION_COLUMNS = [f.name for f in STREAM_COLUMNS]


class BronzeSaleSink:
    """A `SaleSink` that commits to the lakehouse (see the module docstring)."""

    def __init__(self, lake: Lakehouse, settings: Settings, stream_name: str) -> None:
        self.lake = lake
        self.settings = settings
        self.stream_name = stream_name
        self.feed = get_feed(FEED)
        # Both live as long as the sink (a consumer's run) and follow the lake's commits.
        self._sale_ids = KeyIndex(
            lake, [(f"bronze.{FEED}", "sale_id"), (f"quarantine.{FEED}", "source_record_id")]
        )
        self._checker = ContractChecker(FEED, lake=lake, follow=True)

    def close(self) -> None:
        self._sale_ids.close()
        self._checker.close()

    def commit(self, batch: DecodedBatch) -> CommitResult:
        if batch.received == 0:
            return CommitResult(0, 0, 0, 0)
        started = time.perf_counter()
        at = dt.datetime.now(dt.UTC)
        batch_id, origin = self._identify(batch)
        self._keep_raw(batch, batch_id, at)
        fresh = self._fresh(batch.accepted.drop_columns(POSITION_COLUMNS))
        duplicates = batch.accepted.num_rows - fresh.num_rows
        stats = load_batches(
            self.lake, self.feed, [fresh], batch_id=batch_id, at=at,
            extra_quarantine=self._undecodable(batch, batch_id, at), replace=False,
            checker=self._checker,
        )  # fmt: skip
        batches.record(
            self.lake,
            IngestionResult(
                batch_id=batch_id,
                feed=FEED,
                origin=origin,
                received=stats.received,
                accepted=stats.accepted,
                quarantined=stats.quarantined,
                snapshot_id=stats.bronze_snapshot,
                seconds=time.perf_counter() - started,
                raw_path=str(self._raw_path(batch_id, at)),
                quarantine_snapshot_id=stats.quarantine_snapshot,
                ingested_at=at,
                duplicates=duplicates,
            ),
        )
        return CommitResult(batch.received, stats.accepted, duplicates, stats.quarantined)

    def _identify(self, batch: DecodedBatch) -> tuple[str, str]:
        """A batch id from the stream positions it covers; a readable origin."""
        positions = pa.concat_tables(
            [
                batch.accepted.select(POSITION_COLUMNS[:2]),
                batch.rejected.select(POSITION_COLUMNS[:2]),
            ]
        ).sort_by([("_shard_id", "ascending"), ("_sequence_number", "ascending")])
        shards = positions.column("_shard_id")
        text = pc.binary_join_element_wise(shards, positions.column("_sequence_number"), ":")
        digest = hashlib.sha256(lines_bytes(text))
        spans = pc.unique(shards).to_pylist()
        origin = f"stream {self.stream_name} ({len(positions)} records from {', '.join(spans)})"
        return f"{FEED}-stream-{digest.hexdigest()[:16]}", origin

    def _raw_path(self, batch_id: str, at: dt.datetime) -> Path:
        return self.settings.raw_dir / FEED / at.date().isoformat() / f"{batch_id}.ndjson"

    def _keep_raw(self, batch: DecodedBatch, batch_id: str, at: dt.datetime) -> None:
        path = self._raw_path(batch_id, at)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = pa.chunked_array(
            [
                json_rows(batch.accepted.drop_columns(POSITION_COLUMNS)),
                pc.cast(batch.rejected.column("payload"), pa.string()).combine_chunks(),
            ],
            pa.string(),
        )
        tmp = path.with_suffix(".part")
        tmp.write_bytes(lines_bytes(lines))
        tmp.replace(path)

    def _fresh(self, events: pa.Table) -> pa.Table:
        """Events whose sale id is new: first in the batch, and neither in bronze nor in
        quarantine (a replay, or a batch redelivered after a crash)."""
        events = events.append_column("_pos", pa.array(np.arange(events.num_rows, dtype=np.int64)))
        firsts = events.group_by("sale_id", use_threads=False).aggregate([("_pos", "min")])
        events = events.filter(pc.is_in(events.column("_pos"), firsts.column("_pos_min")))
        known = self._sale_ids.contains(events.column("sale_id"))
        events = events.filter(pc.invert(known))
        return events.drop_columns(["_pos"])

    def _undecodable(self, batch: DecodedBatch, batch_id: str, at: dt.datetime) -> pa.Table | None:
        rejected = batch.rejected
        if rejected.num_rows == 0:
            return None
        columns = lineage_columns(rejected.num_rows, self.feed, batch_id, at)
        columns["source_record_id"] = pa.nulls(rejected.num_rows, pa.string())
        reasons = [
            [f"{FEED}.decode.{r.split(':')[0]}" for r in row]
            for row in rejected.column("reasons").to_pylist()
        ]
        columns["reasons"] = pa.array(reasons, pa.list_(pa.string()))
        columns["payload"] = rejected.column("payload")
        return pa.table(columns)
