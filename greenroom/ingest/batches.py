"""`ops.ingestion_batches`: one row per delivery, written last, so that a batch counts as
ingested only once everything it wrote is committed. `received = accepted + quarantined`
holds for every row."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import pyarrow as pa

from greenroom.lake import Lakehouse

TABLE = "ops.ingestion_batches"
SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("feed", pa.string()),
        ("origin", pa.string()),
        ("raw_path", pa.string()),
        ("content_sha256", pa.string()),
        ("bytes", pa.int64()),
        ("received", pa.int64()),
        ("accepted", pa.int64()),
        ("quarantined", pa.int64()),
        ("duplicates", pa.int64()),
        ("snapshot_id", pa.int64()),
        ("quarantine_snapshot_id", pa.int64()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
        ("seconds", pa.float64()),
    ]
)


@dataclass(frozen=True)
class IngestionResult:
    """The seed's IngestionResult: what one delivery did to the lake."""

    batch_id: str
    feed: str
    origin: str
    """The file name, API endpoint or stream the records came from."""
    received: int
    accepted: int
    quarantined: int
    snapshot_id: int | None
    """The bronze snapshot that holds the accepted records."""
    seconds: float
    raw_path: str | None = None
    content_sha256: str | None = None
    bytes: int = 0
    quarantine_snapshot_id: int | None = None
    ingested_at: dt.datetime | None = None
    duplicates: int = 0
    """Records dropped as already ingested (stream replays and redeliveries), not counted
    in `received`."""
    duplicate: bool = False
    """True when this content was ingested before: nothing was written this time."""


def record(lake: Lakehouse, result: IngestionResult) -> None:
    row = {k: v for k, v in asdict(result).items() if k in SCHEMA.names}
    lake.create_table(TABLE, SCHEMA, evolve=True)
    lake.append(TABLE, pa.Table.from_pylist([row], schema=SCHEMA))


def find(lake: Lakehouse, batch_id: str) -> IngestionResult | None:
    """The recorded batch `batch_id`, if it was ingested before."""
    if not lake.exists(TABLE):
        return None
    rows = lake.read(TABLE, where=f"batch_id = '{batch_id}'").to_pylist()
    if not rows:
        return None
    return IngestionResult(
        **{k: v for k, v in rows[0].items() if k in SCHEMA.names}, duplicate=True
    )
