"""Records the lakehouse hands out: plain frozen dataclasses, cheap to build."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class TableInfo:
    """One table as listed by `Lakehouse.list_tables`, from its current snapshot summary."""

    name: str
    rows: int
    snapshot_id: int | None
    data_files: int
    size_bytes: int
    last_updated: datetime | None


@dataclass(frozen=True)
class SnapshotInfo:
    """One snapshot of a table, oldest first in `Lakehouse.snapshots`."""

    snapshot_id: int
    parent_id: int | None
    committed_at: datetime
    operation: str
    summary: dict[str, str] = field(default_factory=dict)


ScanMode = Literal["parquet", "arrow", "empty"]


@dataclass(frozen=True)
class ScanPlan:
    """How a `Session` exposed one table to a query (see `Session.last_plan`)."""

    table: str
    snapshot_id: int | None
    mode: ScanMode
    row_filter: str
    files_planned: int
    files_total: int
    columns: tuple[str, ...] | None = None
