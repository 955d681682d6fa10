"""Retention: each zone keeps data only as long as `settings.retention` says.

`apply_retention` is set-based and idempotent:

- raw zone: whole `<home>/raw/<feed>/<arrival date>/` folders older than `raw_days`
  (the arrival date is the folder's name: the date the file was received);
- tables matching a `tables` entry (`quarantine.*` 30 days, `ops.silver_rejects` 90 by
  default): one delete commit per table of the rows whose ingestion/arrival time
  (`_ingested_at`, else `ingested_at`, …) is older than the cutoff;
- the local stream log: sealed segments past `stream.retention_hours`;
- snapshots older than `snapshot_days` in every table, and the files only they reached
  (tables where rows were just deleted lose every older snapshot, as in an erasure:
  otherwise the deleted rows would stay readable by time travel).

`dry_run` counts without changing anything (the stream step is skipped then).
Re-ingesting a landing file whose raw copy was dropped is still refused as already seen:
the batch ledger (`ops.ingestion_batches`) keeps its content hash.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import shutil
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

TIME_COLUMNS = ("_ingested_at", "ingested_at", "received_at", "recorded_at", "measured_at")
"""The first of these a table has is its arrival time."""


@dataclass(frozen=True)
class RetentionResult:
    now: dt.datetime
    dry_run: bool
    raw_folders_deleted: list[str] = field(default_factory=list)
    raw_files_deleted: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)
    stream_segments_dropped: int | None = None
    snapshots_expired: int = 0
    files_deleted: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    """Tables named by the policy that could not be applied, and why."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_retention(
    settings: Settings, now: dt.datetime | None = None, *, dry_run: bool = False
) -> RetentionResult:
    """Delete what is past retention in every zone; see the module doc."""
    from greenroom.lake import Lakehouse

    policy = settings.retention
    at = now or dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    lake = Lakehouse.open(settings)
    for info in [] if dry_run else lake.list_tables():
        lake.check_owned(info.name)  # before any file changes: never touch another home
    folders, files = _raw(settings, at, policy.raw_days, dry_run)
    rows, skipped = _tables(lake, policy.tables, at, dry_run)
    stream = None if dry_run or not policy.stream else _stream(settings, at)
    expired = deleted = 0
    if not dry_run:
        snap_cut = (
            None if policy.snapshot_days is None else at - dt.timedelta(days=policy.snapshot_days)
        )
        for info in lake.list_tables():
            if info.name in rows:
                purge = lake.purge_history(info.name)
            elif snap_cut is not None:
                purge = lake.purge_history(info.name, older_than=snap_cut)
            else:
                continue
            expired += purge.snapshots_expired
            deleted += purge.files_deleted
    return RetentionResult(
        now=at,
        dry_run=dry_run,
        raw_folders_deleted=folders,
        raw_files_deleted=files,
        rows_deleted=rows,
        stream_segments_dropped=stream,
        snapshots_expired=expired,
        files_deleted=deleted,
        skipped=skipped,
    )


def _raw(
    settings: Settings, at: dt.datetime, days: int | None, dry_run: bool
) -> tuple[list[str], int]:
    if days is None or not settings.raw_dir.is_dir():
        return [], 0
    cutoff = (at - dt.timedelta(days=days)).date()
    folders: list[str] = []
    files = 0
    for folder in sorted(settings.raw_dir.glob("*/*")):
        try:
            arrived = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue  # not an arrival-date folder
        if not folder.is_dir() or arrived >= cutoff:
            continue
        folders.append(str(folder.relative_to(settings.home)))
        files += sum(1 for p in folder.rglob("*") if p.is_file())
        if not dry_run:
            shutil.rmtree(folder)
    return folders, files


def _tables(
    lake: Lakehouse, policy: dict[str, int], at: dt.datetime, dry_run: bool
) -> tuple[dict[str, int], dict[str, str]]:
    rows: dict[str, int] = {}
    skipped: dict[str, str] = {}
    for info in lake.list_tables():
        days = next((d for pat, d in policy.items() if fnmatch.fnmatchcase(info.name, pat)), None)
        if days is None or info.rows == 0:
            continue
        names = set(lake.schema(info.name).names)
        column = next((c for c in TIME_COLUMNS if c in names), None)
        if column is None:
            skipped[info.name] = f"no arrival-time column (one of {', '.join(TIME_COLUMNS)})"
            continue
        cutoff = (at - dt.timedelta(days=days)).isoformat()
        where = f"{column} < '{cutoff}'"
        doomed = lake.read(info.name, where=where, columns=[column]).num_rows
        if doomed and not dry_run:
            lake.delete(info.name, where)
        if doomed:
            rows[info.name] = doomed
    return rows, skipped


def _stream(settings: Settings, at: dt.datetime) -> int:
    from greenroom.ingest.stream.base import Retention
    from greenroom.ingest.stream.local import LocalStream
    from greenroom.ingest.stream.redact import local_streams

    keep = Retention(max_age=dt.timedelta(hours=settings.stream.retention_hours))
    dropped = 0
    for root in local_streams(settings.state_dir):
        stream = LocalStream(root, create=False, retention=keep, clock=at.timestamp)
        try:
            dropped += stream.enforce_retention(at.timestamp())
        finally:
            stream.close()
    return dropped
