"""Validate batches of one feed against its contract and commit them to bronze and quarantine.

Accepted records stream into `bronze.<feed>` as one Iceberg commit, rejected ones go to
`quarantine.<feed>` with the ids of every rule they broke (both tables' columns described
in their Iceberg schema: `ingest/docs.py`), and the batch is recorded in
`ops.ingestion_batches` last. Both table writes replace any rows of the same `_batch_id`,
so a batch that crashed half-way is redone cleanly on the next attempt, and a batch only
counts as ingested once its ops row exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.ingest.docs import describe_bronze, describe_quarantine
from greenroom.ingest.encoding import repair_text
from greenroom.ingest.feeds import Feed
from greenroom.quality.validator import ContractChecker

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

UTC_TS = pa.timestamp("us", tz="UTC")
QUARANTINE_LINEAGE = ("_source", "_batch_id", "_ingested_at")


@dataclass
class LoadStats:
    received: int = 0
    accepted: int = 0
    quarantined: int = 0
    rule_counts: dict[str, int] = field(default_factory=dict)
    bronze_snapshot: int | None = None
    quarantine_snapshot: int | None = None

    def add(self, counts: dict[str, int]) -> None:
        for rule, n in counts.items():
            self.rule_counts[rule] = self.rule_counts.get(rule, 0) + n


def load_batches(
    lake: Lakehouse,
    feed: Feed,
    batches: Iterable[pa.Table],
    *,
    batch_id: str,
    at: dt.datetime,
    extra_quarantine: pa.Table | None = None,
    replace: bool = True,
    checker: ContractChecker | None = None,
) -> LoadStats:
    """Validate and commit every batch of one delivery (a file, an API sync, a micro-batch).

    `extra_quarantine` holds rows already judged bad upstream (records that could not be
    decoded at all), in the quarantine shape; they are counted as received and quarantined.
    `replace=False` appends instead of replacing the batch's rows: for callers that already
    drop records the lake holds (the stream sink deduplicates by sale id), it saves a scan.
    `checker` is a long-lived one to use (the stream sink's); by default one is opened for
    this delivery.
    """
    stats = LoadStats()
    rejected: list[pa.Table] = []
    if extra_quarantine is not None and extra_quarantine.num_rows:
        rejected.append(extra_quarantine)
        stats.received += extra_quarantine.num_rows
        stats.quarantined += extra_quarantine.num_rows
    with contextlib.ExitStack() as stack:
        if checker is None:
            checker = stack.enter_context(ContractChecker(feed.name, lake=lake))
        accepted = _validated(checker, feed, batches, batch_id, at, stats, rejected)
        first = next(accepted, None)
        if first is not None:
            table = f"bronze.{feed.name}"
            lake.create_table(table, first.schema, evolve=True)
            describe_bronze(lake, checker.contract, first.column_names)
            stream = pa.RecordBatchReader.from_batches(
                first.schema,
                (b for t in itertools.chain([first], accepted) for b in t.to_batches()),
            )
            stats.bronze_snapshot = _commit(lake, table, stream, batch_id, replace)
    if rejected:
        quarantine = pa.concat_tables(rejected, promote_options="permissive")
        table = f"quarantine.{feed.name}"
        lake.create_table(table, quarantine.schema, evolve=True)
        describe_quarantine(lake, feed.name, quarantine.column_names)
        stats.quarantine_snapshot = _commit(lake, table, quarantine, batch_id, replace)
    return stats


def _commit(
    lake: Lakehouse, table: str, data: pa.Table | pa.RecordBatchReader, batch_id: str, replace: bool
) -> int:
    properties = {"greenroom.batch-id": batch_id}
    if replace:
        return lake.overwrite(table, data, where=f"_batch_id = '{batch_id}'", properties=properties)
    return lake.append(table, data, properties=properties)


def _validated(
    checker: ContractChecker,
    feed: Feed,
    batches: Iterable[pa.Table],
    batch_id: str,
    at: dt.datetime,
    stats: LoadStats,
    rejected: list[pa.Table],
) -> Iterator[pa.Table]:
    """Accepted records with lineage columns; rejected ones collected for quarantine."""
    for records in batches:
        if records.num_rows == 0:
            continue
        repaired, flags = repair_text(records, feed.name)
        result = checker.check(repaired, flags=flags, original=records)
        stats.received += records.num_rows
        stats.accepted += result.accepted.num_rows
        stats.quarantined += result.rejected.num_rows
        stats.add(result.rule_counts)
        if result.rejected.num_rows:
            rejected.append(quarantine_rows(result.rejected, feed, batch_id, at))
        if result.accepted.num_rows:
            yield with_lineage(result.accepted, feed, batch_id, at)


def lineage_columns(n: int, feed: Feed, batch_id: str, at: dt.datetime) -> dict[str, pa.Array]:
    return {
        "_source": pa.repeat(pa.scalar(feed.name), n),
        "_batch_id": pa.repeat(pa.scalar(batch_id), n),
        "_ingested_at": pa.repeat(pa.scalar(at, UTC_TS), n),
    }


def with_lineage(records: pa.Table, feed: Feed, batch_id: str, at: dt.datetime) -> pa.Table:
    """Accepted records (with `_warnings`, `_record_hash`) plus the other lineage columns."""
    out = records
    for name, column in lineage_columns(records.num_rows, feed, batch_id, at).items():
        out = out.append_column(name, column)
    return out


def quarantine_rows(rejected: pa.Table, feed: Feed, batch_id: str, at: dt.datetime) -> pa.Table:
    """The CONTRACT.md quarantine shape: lineage, the record's id, its reasons, its payload."""
    n = rejected.num_rows
    if feed.record_id in rejected.column_names:
        record_id = pc.cast(rejected.column(feed.record_id), pa.string())
    else:
        record_id = pa.nulls(n, pa.string())
    columns = lineage_columns(n, feed, batch_id, at)
    columns["source_record_id"] = record_id
    columns["reasons"] = rejected.column("_reasons")
    columns["payload"] = rejected.column("_payload")
    return pa.table(columns)
