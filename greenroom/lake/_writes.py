"""Writes: each call is exactly one atomic Iceberg commit.

Data files are written first, then one catalog commit swaps the table's metadata
pointer; a writer killed before that swap leaves only unreferenced files behind and the
table at its previous snapshot. pyiceberg retries a commit that lost a race by
rebuilding the snapshot on the new head (no data is rewritten); when those retries run
out, or SQLite stays locked, the whole write is retried here with tenacity, but only
for a `pa.Table` — a `RecordBatchReader` cannot be replayed, so it fails with
`CommitConflictError` instead and the caller decides.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import pyarrow as pa
from pyiceberg.exceptions import CommitFailedException, ValidationException
from pyiceberg.expressions import BooleanExpression
from pyiceberg.table import Table, Transaction
from sqlalchemy.exc import OperationalError
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from greenroom.lake._conform import Conformer
from greenroom.lake._datafiles import data_files
from greenroom.lake.exceptions import CommitConflictError, LakeUnavailableError

T = TypeVar("T")

WRITE_ATTEMPTS = 6
# A partitioned table cannot take a stream in pyiceberg 0.12: the stream is cut into
# tables of about this many in-memory bytes, all added to the same single commit.
CHUNK_BYTES = 256 * 1024 * 1024

# Defaults given to every table we create (pyiceberg reads them per table): commit retries,
# and exact (not 16-character) column bounds for batch ids. Ingestion replaces a batch's
# rows by `_batch_id = '<id>'`, and ids share their first 16 characters (the feed name):
# with truncated bounds every file of the table would match and be read on each ingest.
TABLE_DEFAULTS: dict[str, str] = {
    "commit.retry.num-retries": "12",
    "commit.retry.min-wait-ms": "20",
    "commit.retry.max-wait-ms": "2000",
    "write.delete.mode": "copy-on-write",
    "write.metadata.metrics.column._batch_id": "full",
    "write.metadata.metrics.column.batch_id": "full",
}


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, (CommitFailedException, ValidationException, LakeUnavailableError)):
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


def with_retries(name: str, replayable: bool, attempt: Callable[[], T]) -> T:
    """Run `attempt`; retry transient commit failures when the input can be replayed."""
    tries = WRITE_ATTEMPTS if replayable else 1
    try:
        for state in Retrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(tries),
            wait=wait_random_exponential(multiplier=0.05, max=2.0),
            reraise=True,
        ):
            with state:
                return attempt()
    except RetryError as exc:  # pragma: no cover - reraise=True re-raises the cause
        raise CommitConflictError(f"writing `{name}` kept conflicting; retry the write") from exc
    except (CommitFailedException, ValidationException) as exc:
        raise CommitConflictError(
            f"writing `{name}` conflicted with concurrent writers ({_first_line(exc)}); retry the write"
        ) from None
    except OperationalError as exc:
        raise LakeUnavailableError(
            f"the catalog of `{name}` is unavailable ({_first_line(exc.orig or exc)}); retry shortly"
        ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def write(
    table: Table,
    name: str,
    data: pa.Table | pa.RecordBatchReader,
    *,
    delete_filter: BooleanExpression | None,
    properties: Mapping[str, str] | None,
) -> int | None:
    """One commit: optionally delete rows matching `delete_filter`, then add `data`."""
    conformer = Conformer(name, table.schema().as_arrow(), data.schema)
    conformed: pa.Table | pa.RecordBatchReader = (
        conformer.conform_table(data)
        if isinstance(data, pa.Table)
        else conformer.conform_reader(data)
    )
    props = dict(properties or {})
    txn = table.transaction()
    if delete_filter is not None:
        _delete(txn, delete_filter, props)
    with txn.update_snapshot(snapshot_properties=props).fast_append() as append:
        counter = itertools.count(0)
        for chunk in _chunks(txn, conformed):
            for data_file in data_files(
                txn.table_metadata, table.io, chunk, append.commit_uuid, counter
            ):
                append.append_data_file(data_file)
    committed = txn.commit_transaction()
    return committed.metadata.current_snapshot_id


def delete(
    table: Table, where: BooleanExpression, properties: Mapping[str, str] | None
) -> int | None:
    """One commit deleting rows matching `where`; None when nothing matched."""
    before = table.metadata.current_snapshot_id
    txn = table.transaction()
    _delete(txn, where, dict(properties or {}))
    committed = txn.commit_transaction()
    after = committed.metadata.current_snapshot_id
    return None if after == before else after


def _delete(txn: Transaction, where: BooleanExpression, props: dict[str, str]) -> None:
    with warnings.catch_warnings():
        # "did not match any records" is a normal outcome for us, not a warning
        warnings.simplefilter("ignore")
        txn.delete(delete_filter=where, snapshot_properties=props)


def _chunks(
    txn: Transaction, data: pa.Table | pa.RecordBatchReader
) -> Iterator[pa.Table | pa.RecordBatchReader]:
    metadata = txn.table_metadata
    if isinstance(data, pa.Table):
        yield data
        return
    if metadata.spec().is_unpartitioned():
        yield data  # pyiceberg streams it into target-sized files
        return
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in data:
        pending.append(batch)
        size += batch.nbytes
        if size >= CHUNK_BYTES:
            yield pa.Table.from_batches(pending, schema=data.schema)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending, schema=data.schema)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
