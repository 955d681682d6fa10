"""`KeyIndex`: which of many keys a lake table already holds, answered from memory.

A long-running writer (the stream consumer) asks this for every micro-batch: "which of
these sale ids are already in bronze?". Scanning the table each time costs as much as the
table is big; the index reads the keys once into an in-memory DuckDB table and answers
each question with one semi-join, built on the (small) side of the asked keys.

The index follows the lake by itself. Before answering it compares each table's current
snapshot with the one it has read: when the table only gained files through appends, it
reads the key column of those new files (the writer's own last commit, usually one small
file); after anything else (an overwrite, a delete, an expired history) it reads the table
again. So it never answers from stale data, whoever wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.manifest import ManifestEntryStatus
from pyiceberg.table.snapshots import Operation

if TYPE_CHECKING:
    from pyiceberg.table import Table
    from pyiceberg.table.snapshots import Snapshot

    from greenroom.lake.lakehouse import Lakehouse


@dataclass
class _Source:
    table: str
    column: str
    snapshot: int | None = None  # the snapshot the index has read up to
    loaded: bool = False


class KeyIndex:
    """The text values of some `(table, column)` pairs, kept in memory (see the module)."""

    def __init__(self, lake: Lakehouse, sources: Sequence[tuple[str, str]]) -> None:
        self.lake = lake
        self._sources = [_Source(table, column) for table, column in sources]
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET enable_external_access = false")
        self._con.execute("CREATE TABLE keys (source INTEGER, value VARCHAR)")
        self.reloads = 0
        """How many times a table was read whole (for tests and benchmarks)."""

    def close(self) -> None:
        self._con.close()

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM keys").fetchall()[0][0])

    def values(self) -> pa.ChunkedArray:
        """Every value held (after catching up with the lake)."""
        self.sync()
        return self._con.sql("SELECT DISTINCT value FROM keys").to_arrow_table().column("value")

    def contains(self, keys: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Per key, TRUE when one of the sources holds it (nulls are never held)."""
        self.sync()
        text = pc.cast(keys, pa.string())
        self._con.register("asked", pa.table({"value": text}))
        try:
            found = self._con.sql(
                "SELECT DISTINCT value FROM keys "
                "WHERE value IN (SELECT value FROM asked WHERE value IS NOT NULL)"
            ).to_arrow_table()
        finally:
            self._con.unregister("asked")
        held = pc.is_in(text, value_set=found.column("value").combine_chunks())
        mask = pc.fill_null(held, False)
        return mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask

    def sync(self) -> None:
        """Catch up with every source table's current snapshot."""
        for index, source in enumerate(self._sources):
            if not self.lake.exists(source.table):
                if source.loaded:  # dropped since: its keys are gone too
                    self._con.execute("DELETE FROM keys WHERE source = ?", [index]).fetchall()
                    source.loaded, source.snapshot = False, None
                continue
            table = self.lake.load_table(source.table)
            current = table.metadata.current_snapshot_id
            if source.loaded and current == source.snapshot:
                continue
            added = _appended_files(table, source.snapshot) if source.loaded else None
            if added is None:
                self._reload(index, source)
            else:
                for path in added:
                    self._insert(index, _read_column(table, path, source.column))
            # A commit landing during a reload may be read again by the next sync: a key
            # held twice changes no answer.
            source.snapshot = current
            source.loaded = True

    def _reload(self, index: int, source: _Source) -> None:
        self.reloads += 1
        self._con.execute("DELETE FROM keys WHERE source = ?", [index]).fetchall()
        with self.lake.session() as session:
            found = session.sql(f'SELECT "{source.column}" AS value FROM {source.table}')
        self._insert(index, found.column("value"))

    def _insert(self, index: int, values: pa.ChunkedArray | pa.Array) -> None:
        if len(values) == 0:
            return
        self._con.register("new_keys", pa.table({"value": pc.cast(values, pa.string())}))
        try:
            self._con.execute(
                f"INSERT INTO keys SELECT {index}, value FROM new_keys WHERE value IS NOT NULL"
            ).fetchall()
        finally:
            self._con.unregister("new_keys")


def _appended_files(table: Table, since: int | None) -> list[str] | None:
    """Data files the snapshots after `since` added, when they only appended; else None."""
    current = table.current_snapshot()
    if current is None or since is None:
        return None if current is not None else []
    chain = []
    snapshot: Snapshot | None = current
    while snapshot is not None and snapshot.snapshot_id != since:
        operation = snapshot.summary.operation if snapshot.summary else None
        if operation != Operation.APPEND:
            return None
        chain.append(snapshot)
        parent = snapshot.parent_snapshot_id
        snapshot = table.snapshot_by_id(parent) if parent is not None else None
    if snapshot is None:  # `since` is no longer in the history (expired, rolled back)
        return None
    paths = []
    for snap in chain:
        for manifest in snap.manifests(table.io):
            if manifest.added_snapshot_id != snap.snapshot_id:
                continue
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True):
                if entry.status == ManifestEntryStatus.ADDED:
                    paths.append(entry.data_file.file_path)
    return paths


def _read_column(table: Table, path: str, column: str) -> pa.ChunkedArray:
    with table.io.new_input(path).open() as fh:
        data = pq.read_table(fh, columns=[column])
    return data.column(column)
