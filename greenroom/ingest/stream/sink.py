"""Where a consumer commits decoded sale events, with an exactly-once effect by `sale_id`.

`SaleSink` is the seam: the consumer's handler (`sink_handler`) decodes a micro-batch and
calls `commit`, which must be atomic and idempotent per `sale_id` (a redelivered batch or a
replayed event changes nothing). `SqliteSaleSink` is a small durable implementation (a
table with `sale_id PRIMARY KEY` and `INSERT OR IGNORE`, one transaction per batch); a
bronze Iceberg sink from `greenroom.lake` plugs in the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from greenroom.ingest.stream.base import StreamRecord
from greenroom.ingest.stream.decode import SALE_EVENT_SCHEMA, DecodedBatch, decode_sales


@dataclass(frozen=True)
class CommitResult:
    received: int
    inserted: int
    """New sale ids."""
    duplicates: int
    """Accepted events whose sale id was already committed (replays, redeliveries)."""
    rejected: int


class SaleSink(Protocol):
    def commit(self, batch: DecodedBatch) -> CommitResult:
        """Commit a decoded batch atomically; sale ids already present are skipped."""
        ...


def sink_handler(
    sink: SaleSink, on_commit: Callable[[CommitResult], None] | None = None
) -> Callable[[list[StreamRecord]], None]:
    """A consumer handler: decode the micro-batch, commit it to `sink`."""

    def handle(records: list[StreamRecord]) -> None:
        result = sink.commit(decode_sales(records))
        if on_commit is not None:
            on_commit(result)

    return handle


_COLUMNS = [f.name for f in SALE_EVENT_SCHEMA] + ["_shard_id", "_sequence_number"]
_SQL_TYPES = {"sale_id": "TEXT PRIMARY KEY", "quantity": "INTEGER", "unit_price": "REAL"}


class SqliteSaleSink:
    """Sale events in SQLite: `stream_sales` (one row per sale id), `stream_rejects`, `stream_commits`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        cols = ", ".join(f"{c} {_SQL_TYPES.get(c, 'TEXT')}" for c in _COLUMNS)
        self._db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS stream_sales ({cols});
            CREATE TABLE IF NOT EXISTS stream_rejects (
                _shard_id TEXT, _sequence_number TEXT, payload TEXT, reasons TEXT,
                PRIMARY KEY (_shard_id, _sequence_number));
            CREATE TABLE IF NOT EXISTS stream_commits (
                id INTEGER PRIMARY KEY, received INTEGER, inserted INTEGER,
                duplicates INTEGER, rejected INTEGER);
            """
        )

    def commit(self, batch: DecodedBatch) -> CommitResult:
        acc = batch.accepted.select(_COLUMNS).to_pydict()
        rows = list(zip(*(acc[c] for c in _COLUMNS), strict=True))
        rej = batch.rejected.to_pydict()
        rejects = [
            (s, q, p, ",".join(r))
            for s, q, p, r in zip(
                rej["_shard_id"],
                rej["_sequence_number"],
                rej["payload"],
                rej["reasons"],
                strict=True,
            )
        ]
        marks = ", ".join("?" for _ in _COLUMNS)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            before = db.total_changes
            db.executemany(f"INSERT OR IGNORE INTO stream_sales VALUES ({marks})", rows)
            inserted = db.total_changes - before
            db.executemany("INSERT OR IGNORE INTO stream_rejects VALUES (?, ?, ?, ?)", rejects)
            result = CommitResult(batch.received, inserted, len(rows) - inserted, len(rejects))
            db.execute(
                "INSERT INTO stream_commits (received, inserted, duplicates, rejected) VALUES (?, ?, ?, ?)",
                (result.received, result.inserted, result.duplicates, result.rejected),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return result

    def count(self) -> int:
        n: int = self._db.execute("SELECT count(*) FROM stream_sales").fetchone()[0]
        return n

    def sale_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT sale_id FROM stream_sales ORDER BY sale_id")]

    def totals(self) -> CommitResult:
        """Sums over every commit so far."""
        row = self._db.execute(
            "SELECT count(*), coalesce(sum(received), 0), coalesce(sum(inserted), 0), "
            "coalesce(sum(duplicates), 0), coalesce(sum(rejected), 0) FROM stream_commits"
        ).fetchone()
        return CommitResult(row[1], row[2], row[3], row[4])

    def close(self) -> None:
        self._db.close()
