"""Land a source file: keep it byte-for-byte in the raw zone, then append it to `bronze.<feed>`.

Every bronze row carries lineage columns: `_source` (the feed), `_batch_id` (one per file,
derived from its content hash), `_ingested_at` and `_record_hash` (md5 of the record as
received). The same file content is never ingested twice: its batch is looked up in
`ops.ingestion_batches` first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.ingest.feeds import Feed, get_feed
from greenroom.ingest.formats import read_file
from greenroom.lake import Lakehouse

if TYPE_CHECKING:
    from greenroom.config import Settings

BATCHES_TABLE = "ops.ingestion_batches"
BATCHES_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("feed", pa.string()),
        ("file_name", pa.string()),
        ("raw_path", pa.string()),
        ("content_sha256", pa.string()),
        ("bytes", pa.int64()),
        ("received", pa.int64()),
        ("accepted", pa.int64()),
        ("quarantined", pa.int64()),
        ("snapshot_id", pa.int64()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
        ("seconds", pa.float64()),
    ]
)


@dataclass(frozen=True)
class IngestionResult:
    """The seed's IngestionResult: what one file or page did to the lake."""

    batch_id: str
    feed: str
    received: int
    accepted: int
    quarantined: int
    snapshot_id: int | None
    seconds: float
    raw_path: str
    duplicate: bool = False


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def ingest_file(lake: Lakehouse, settings: Settings, path: Path, feed_name: str) -> IngestionResult:
    """Ingest one file of `feed_name` into raw + bronze, once per distinct content."""
    from greenroom.ingest.exceptions import BadFileError

    feed = get_feed(feed_name)
    if not path.is_file():
        raise BadFileError(f"`{path}` is not a readable file; check the path")
    started = time.perf_counter()
    sha = file_sha256(path)
    batch_id = f"{feed.name}-{sha[:16]}"
    lake.create_table(BATCHES_TABLE, BATCHES_SCHEMA)
    seen = lake.read(BATCHES_TABLE, where=f"batch_id = '{batch_id}'")
    if seen.num_rows:
        row = seen.slice(0, 1).to_pylist()[0]
        return IngestionResult(
            batch_id, feed.name, row["received"], row["accepted"], row["quarantined"],
            row["snapshot_id"], 0.0, row["raw_path"], duplicate=True,
        )  # fmt: skip

    now = dt.datetime.now(dt.UTC)
    raw_path = settings.raw_dir / feed.name / now.date().isoformat() / f"{batch_id}{path.suffix}"
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, raw_path)

    records = read_file(raw_path, feed)
    bronze = with_lineage(lake, records, feed, batch_id, now)
    table = f"bronze.{feed.name}"
    lake.create_table(table, bronze.schema)
    snapshot_id = lake.append(table, bronze, properties={"greenroom.batch-id": batch_id})
    seconds = time.perf_counter() - started
    result = IngestionResult(
        batch_id, feed.name, records.num_rows, records.num_rows, 0, snapshot_id, seconds,
        str(raw_path),
    )  # fmt: skip
    lake.append(BATCHES_TABLE, _batch_row(result, path, sha, now))
    return result


def with_lineage(
    lake: Lakehouse, records: pa.Table, feed: Feed, batch_id: str, at: dt.datetime
) -> pa.Table:
    """`records` plus the four lineage columns every bronze row carries."""
    with lake.session() as session:
        session.register("_records", records)
        hashes = session.sql("SELECT md5(CAST(to_json(r) AS VARCHAR)) AS h FROM _records r")
    n = records.num_rows
    return (
        records.append_column("_source", pa.repeat(pa.scalar(feed.name), n))
        .append_column("_batch_id", pa.repeat(pa.scalar(batch_id), n))
        .append_column("_ingested_at", pa.repeat(pa.scalar(at, pa.timestamp("us", tz="UTC")), n))
        .append_column("_record_hash", hashes.column("h").combine_chunks())
    )


def _batch_row(result: IngestionResult, path: Path, sha: str, at: dt.datetime) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "batch_id": result.batch_id,
                "feed": result.feed,
                "file_name": path.name,
                "raw_path": result.raw_path,
                "content_sha256": sha,
                "bytes": path.stat().st_size,
                "received": result.received,
                "accepted": result.accepted,
                "quarantined": result.quarantined,
                "snapshot_id": result.snapshot_id,
                "ingested_at": at,
                "seconds": result.seconds,
            }
        ],
        schema=BATCHES_SCHEMA,
    )
