"""Current snapshots of lake tables, looked up once per run and forgotten when we write.

The runner fingerprints a job's inputs by their snapshot ids; looking a table up loads its
metadata, so a run remembers what it saw. When another process writes a table during the
run, the run still records the snapshot it first saw, so the next run notices the change
and processes it (a job never marks data it may have missed as done).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from greenroom.lake import SnapshotInfo, TableNotFoundError

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse


class SnapshotCache:
    def __init__(self, lake: Lakehouse) -> None:
        self._lake = lake
        self._seen: dict[str, SnapshotInfo | None] = {}
        self._missing: set[str] = set()

    def current(self, table: str) -> SnapshotInfo | None:
        """The table's current snapshot; None when the table is missing or empty."""
        if table not in self._seen:
            try:
                snaps = self._lake.snapshots(table)
            except TableNotFoundError:
                self._missing.add(table)
                snaps = []
            else:
                self._missing.discard(table)
            self._seen[table] = snaps[-1] if snaps else None
        return self._seen[table]

    def exists(self, table: str) -> bool:
        self.current(table)
        return table not in self._missing

    def snapshot_id(self, table: str) -> int | None:
        snap = self.current(table)
        return snap.snapshot_id if snap else None

    def rows(self, table: str) -> int:
        """Rows of the current snapshot, from its summary (no scan)."""
        snap = self.current(table)
        return int(snap.summary.get("total-records", 0)) if snap else 0

    def ids(self, tables: Iterable[str]) -> dict[str, int | None]:
        return {t: self.snapshot_id(t) for t in sorted(set(tables))}

    def forget(self, table: str) -> None:
        self._seen.pop(table, None)
        self._missing.discard(table)
