"""``ops.audit``: the audit log as an Iceberg table, for SQL over who did what.

The file ``<home>/audit/audit.log`` stays the source of truth (it carries the hash chain
and is written, fail-closed, before every access). :func:`sync_audit_table` copies the
records the table lacks — those whose ``seq`` is above the table's highest — in one Arrow
append, that is one atomic Iceberg commit. Syncs of several processes are serialised by
an exclusive ``flock`` on ``<home>/audit/sync.lock``: each reads the table's highest
``seq`` under the lock, so a record is never copied twice.

Before copying, the new records are checked against the chain: each one's hash, and its
``prev`` against the hash of the record before it (the table's last row for the first
one). A log that does not continue the table's chain is not copied
(:class:`AuditChainError`): `greenroom audit verify` names the bad record.

A sync runs when `greenroom audit log` or `greenroom audit sync` runs, at the end of a
pipeline run (its listener, wired in `greenroom.compose`), and before a governed query
that reads ``ops.audit`` — so SQL over the table sees every record written until then.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from greenroom.errors import GreenroomError
from greenroom.governance.audit import GENESIS, AuditLog, AuditRecord, canonical
from greenroom.governance.exceptions import AuditChainError, AuditUnavailableError

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.lake import Lakehouse

AUDIT_TABLE = "ops.audit"
LAST_SEQ_PROPERTY = "greenroom.audit.last-seq"
"""Snapshot property of every sync commit: the highest ``seq`` it copied."""


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: how many records it copied, and the table's highest seq now."""

    added: int
    last_seq: int
    snapshot_id: int | None = None


def audit_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("seq", pa.int64(), nullable=False),
            pa.field("at", pa.timestamp("us", "UTC"), nullable=False),
            pa.field("principal", pa.string(), nullable=False),
            pa.field("action", pa.string(), nullable=False),
            pa.field("resource", pa.string(), nullable=False),
            pa.field("detail", pa.string(), nullable=False),
            pa.field("prev", pa.string(), nullable=False),
            pa.field("hash", pa.string(), nullable=False),
        ]
    )


def sync_audit_table(lake: Lakehouse, log: AuditLog | None = None) -> SyncResult:
    """Copy the records of `log` (the lake's home's) that ``ops.audit`` lacks."""
    log = log or AuditLog(lake.settings.home)
    lock_path = log.path.parent / "sync.lock"
    try:
        log.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o640)
    except OSError as exc:
        raise AuditUnavailableError(lock_path, str(exc) or type(exc).__name__) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return _sync(lake, log)
    finally:
        os.close(fd)  # releases the lock


def _sync(lake: Lakehouse, log: AuditLog) -> SyncResult:
    if not lake.exists(AUDIT_TABLE):  # after a sync the table exists, empty or not
        lake.create_table(AUDIT_TABLE, audit_schema())
    last_seq, last_hash = _table_tail(lake)
    new = [r for r in log.records() if r.seq > last_seq]
    if not new:
        return SyncResult(0, last_seq)
    _check_chain(log, new, last_seq, last_hash)
    snapshot = lake.append(
        AUDIT_TABLE, records_table(new), properties={LAST_SEQ_PROPERTY: str(new[-1].seq)}
    )
    return SyncResult(len(new), new[-1].seq, snapshot)


def _table_tail(lake: Lakehouse) -> tuple[int, str | None]:
    """The highest ``seq`` in the table and its hash; (0, None) for no table or no rows."""
    import pyarrow.compute as pc

    rows = lake.read(AUDIT_TABLE, columns=["seq", "hash"])
    if not rows.num_rows:
        return 0, None
    index = int(pc.index(rows["seq"], pc.max(rows["seq"])).as_py())
    return int(rows["seq"][index].as_py()), str(rows["hash"][index].as_py())


def _check_chain(
    log: AuditLog, new: Sequence[AuditRecord], last_seq: int, last_hash: str | None
) -> None:
    prev = last_hash if last_seq else GENESIS
    expected_seq = last_seq + 1
    for record in new:
        if record.seq != expected_seq:
            raise AuditChainError(log.path, record.seq, f"expected seq {expected_seq}")
        if record.prev != prev:
            raise AuditChainError(log.path, record.seq, "its `prev` is not the hash before it")
        if record.hash != record.expected_hash():
            raise AuditChainError(log.path, record.seq, "its hash does not match its content")
        prev, expected_seq = record.hash, expected_seq + 1


def records_table(records: Sequence[AuditRecord]) -> pa.Table:
    """`records` as rows of ``ops.audit`` (``detail`` as canonical JSON text)."""
    import pyarrow as pa

    return pa.Table.from_pylist(
        [
            {
                "seq": r.seq,
                "at": dt.datetime.fromisoformat(r.at),
                "principal": r.principal,
                "action": r.action,
                "resource": r.resource,
                "detail": canonical(dict(r.detail)).decode(),
                "prev": r.prev,
                "hash": r.hash,
            }
            for r in records
        ],
        schema=audit_schema(),
    )


class AuditSyncListener:
    """A pipeline run listener (wired by `greenroom.compose`): syncs when a run ends.

    A failed sync does not fail the run (the records are safe in the log, and the next
    sync copies them); it is kept in `errors` for the run's report."""

    def __init__(self, lake: Lakehouse) -> None:
        self.lake = lake
        self.results: list[SyncResult] = []
        self.errors: list[GreenroomError] = []

    def job_finished(self, run_id: str, result: object) -> None:
        """Nothing per job."""

    def run_finished(self, result: object) -> None:
        try:
            self.results.append(sync_audit_table(self.lake))
        except GreenroomError as exc:
            self.errors.append(exc)
