"""Snapshot history: listing, time travel resolution, expiry, cheap table summaries."""

from __future__ import annotations

from datetime import UTC, datetime

from pyiceberg.table import Table

from greenroom.lake.exceptions import SnapshotNotFoundError
from greenroom.lake.records import SnapshotInfo, TableInfo


def _ms_to_dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _dt_to_ms(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # naive means UTC, as everywhere in greenroom
    return int(value.timestamp() * 1000)


def table_info(name: str, table: Table) -> TableInfo:
    snap = table.current_snapshot()
    if snap is None:
        return TableInfo(name, 0, None, 0, 0, _ms_to_dt(table.metadata.last_updated_ms))
    summary = snap.summary.additional_properties if snap.summary else {}
    return TableInfo(
        name=name,
        rows=int(summary.get("total-records", 0)),
        snapshot_id=snap.snapshot_id,
        data_files=int(summary.get("total-data-files", 0)),
        size_bytes=int(summary.get("total-files-size", 0)),
        last_updated=_ms_to_dt(snap.timestamp_ms),
    )


def snapshot_infos(table: Table) -> list[SnapshotInfo]:
    out: list[SnapshotInfo] = []
    for snap in sorted(
        table.metadata.snapshots, key=lambda s: (s.timestamp_ms, s.sequence_number or 0)
    ):
        summary = dict(snap.summary.additional_properties) if snap.summary else {}
        operation = snap.summary.operation.value if snap.summary else "unknown"
        out.append(
            SnapshotInfo(
                snapshot_id=snap.snapshot_id,
                parent_id=snap.parent_snapshot_id,
                committed_at=_ms_to_dt(snap.timestamp_ms),
                operation=operation,
                summary=summary,
            )
        )
    return out


def resolve_snapshot(
    table: Table, name: str, snapshot_id: int | None, as_of: datetime | None
) -> int | None:
    """The snapshot id a read should use (None: the current one)."""
    if snapshot_id is not None and as_of is not None:
        raise SnapshotNotFoundError(f"give `snapshot_id` or `as_of` for `{name}`, not both")
    if snapshot_id is not None:
        if table.metadata.snapshot_by_id(snapshot_id) is None:
            raise SnapshotNotFoundError(
                f"snapshot `{snapshot_id}` of `{name}` does not exist (or was expired); "
                f"`Lakehouse.snapshots('{name}')` lists them"
            )
        return snapshot_id
    if as_of is not None:
        snap = table.snapshot_as_of_timestamp(_dt_to_ms(as_of), inclusive=True)
        if snap is None:
            raise SnapshotNotFoundError(
                f"`{name}` has no snapshot at or before {as_of.isoformat()}; "
                f"`Lakehouse.snapshots('{name}')` lists them"
            )
        return snap.snapshot_id
    return None


def expire(table: Table, *, older_than: datetime | None, retain_last: int) -> int:
    """Expire snapshots beyond the newest `retain_last` (and older than `older_than`)."""
    retain_last = max(1, retain_last)
    snaps = sorted(table.metadata.snapshots, key=lambda s: s.timestamp_ms, reverse=True)
    protected = {ref.snapshot_id for ref in table.metadata.refs.values()}
    cutoff = None if older_than is None else _dt_to_ms(older_than)
    doomed = [
        s.snapshot_id
        for s in snaps[retain_last:]
        if s.snapshot_id not in protected and (cutoff is None or s.timestamp_ms < cutoff)
    ]
    if doomed:
        table.maintenance.expire_snapshots().by_ids(doomed).commit()
    return len(doomed)
