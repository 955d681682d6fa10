"""Purging rows for good: copy-on-write row removal by an Arrow mask, then history removal.

`remove_rows` rewrites only the data files holding a matching row, in one `overwrite`
commit (as pyiceberg's own copy-on-write delete does), but the rows to drop are chosen by
any Arrow predicate: a substring of a JSON payload, a value in a list column — things a
pyiceberg row filter cannot say. `purge_history` then expires every snapshot but the
current one and deletes the files only those snapshots reached: the old data files, the
manifests and manifest lists (their column bounds hold min/max values) and the previous
`metadata.json` files. Only files reached by an expired snapshot or listed in the metadata
log are deleted, never a file found by listing the folder, so a concurrent writer's
not-yet-committed files are never touched.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
from pyiceberg.expressions import AlwaysTrue, BooleanExpression
from pyiceberg.io import FileIO
from pyiceberg.io.pyarrow import ArrowScan
from pyiceberg.manifest import DataFile
from pyiceberg.table import Table
from pyiceberg.table.snapshots import Snapshot

from greenroom.lake._datafiles import data_files

RowMask = Callable[[pa.Table], pa.Array | pa.ChunkedArray]
"""Given the rows of one data file, True for each row to remove."""


@dataclass(frozen=True)
class Removal:
    rows_removed: int
    files_rewritten: int
    snapshot_id: int | None


@dataclass(frozen=True)
class Purge:
    snapshots_expired: int
    files_deleted: int


def remove_rows(
    table: Table,
    mask: RowMask,
    *,
    prefilter: BooleanExpression | None = None,
    properties: dict[str, str] | None = None,
    dry_run: bool = False,
) -> Removal:
    """One commit dropping the rows `mask` selects (from files `prefilter` may hold);
    with `dry_run`, only counts them."""
    txn = table.transaction()
    metadata = txn.table_metadata
    schema = metadata.schema()
    tasks = table.scan(row_filter=prefilter or AlwaysTrue()).plan_files()
    commit_uuid = uuid.uuid4()
    counter = itertools.count(0)
    replaced: list[tuple[DataFile, list[DataFile]]] = []
    removed = 0
    for task in tasks:
        rows = ArrowScan(
            table_metadata=metadata, io=table.io, projected_schema=schema, row_filter=AlwaysTrue()
        ).to_table(tasks=[task])
        drop = mask(rows)
        hits = int(pa.compute.sum(drop).as_py() or 0)
        if hits == 0:
            continue
        kept = rows.filter(pa.compute.invert(drop))
        removed += hits
        if dry_run:
            replaced.append((task.file, []))
            continue
        new_files = list(data_files(metadata, table.io, kept, commit_uuid, counter))
        replaced.append((task.file, new_files))
    if not replaced or dry_run:
        return Removal(removed, len(replaced), None)
    with txn.update_snapshot(snapshot_properties=properties or {}).overwrite() as overwrite:
        overwrite.commit_uuid = commit_uuid
        for old, new in replaced:
            overwrite.delete_data_file(old)
            for data_file in new:
                overwrite.append_data_file(data_file)
    committed = txn.commit_transaction()
    return Removal(removed, len(replaced), committed.metadata.current_snapshot_id)


def purge_history(table: Table, *, older_than_ms: int | None = None) -> Purge:
    """Expire snapshots and delete the files nothing kept reaches any more; the counts.

    Without `older_than_ms` (erasure) every snapshot but the current one goes, tags and
    branches too, with every earlier `metadata.json`; and since a copy-on-write commit
    leaves the rewritten files in its manifests as `DELETED` entries with their column
    bounds, an empty append first carries the live manifests over without them, so the
    current snapshot itself holds no trace of the removed rows. With `older_than_ms`
    (retention) only unprotected snapshots and metadata files older than it go.
    """
    current = table.current_snapshot()
    if (
        older_than_ms is None
        and current is not None
        and any(m.deleted_files_count for m in current.manifests(table.io))
    ):
        with table.transaction() as txn:
            txn.update_snapshot().fast_append().commit()  # adds no file: drops delete manifests
        table.refresh()
        current = table.current_snapshot()
    metadata = table.metadata
    cutoff = older_than_ms if older_than_ms is not None else 1 << 62
    if older_than_ms is None:
        _drop_refs(table)
        metadata = table.metadata
    protected = {ref.snapshot_id for ref in metadata.refs.values()}
    doomed = [
        s
        for s in metadata.snapshots
        if s.snapshot_id not in protected
        and s.timestamp_ms < cutoff
        and (current is None or s.snapshot_id != current.snapshot_id)
    ]
    doomed_ids = {s.snapshot_id for s in doomed}
    keep: set[str] = set()
    for snap in metadata.snapshots:
        if snap.snapshot_id not in doomed_ids:
            keep |= _reachable(table.io, snap, live_only=True)
    stale: set[str] = set()
    for snap in doomed:
        stale |= _reachable(table.io, snap, live_only=False)
    stale |= {e.metadata_file for e in metadata.metadata_log if e.timestamp_ms < cutoff}
    if older_than_ms is None:
        stale.add(table.metadata_location)
    if doomed:
        table.maintenance.expire_snapshots().by_ids(sorted(doomed_ids)).commit()
    table.refresh()
    keep.add(table.metadata_location)
    deleted = sum(_delete(table.io, path) for path in sorted(stale - keep))
    return Purge(len(doomed), deleted)


def _drop_refs(table: Table) -> None:
    """Remove every tag and branch but `main` (they would keep old snapshots alive)."""
    others = {name: ref for name, ref in table.metadata.refs.items() if name != "main"}
    if not others:
        return
    with table.manage_snapshots() as refs:
        for name, ref in others.items():
            if ref.snapshot_ref_type.value == "tag":
                refs.remove_tag(name)
            else:
                refs.remove_branch(name)
    table.refresh()


def _reachable(io: FileIO, snap: Snapshot | None, *, live_only: bool) -> set[str]:
    """The manifest list, manifests and data/delete files of `snap` (`live_only`: not
    the files its manifests list as deleted)."""
    if snap is None:
        return set()
    out = {snap.manifest_list}
    for manifest in snap.manifests(io):
        out.add(manifest.manifest_path)
        for entry in manifest.fetch_manifest_entry(io, discard_deleted=live_only):
            out.add(entry.data_file.file_path)
    return out


def _delete(io: FileIO, path: str) -> bool:
    try:
        io.delete(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if "not found" in str(exc).lower() or "no such file" in str(exc).lower():
            return False
        raise
    return True
