"""The lakehouse: Iceberg tables (pyiceberg) and read-only SQL over them (DuckDB).

The only package that imports pyiceberg and duckdb. Everything else asks a `Lakehouse`::

    lake = Lakehouse.open(create=True)
    lake.create_table("silver.sales", schema, partition_by=[("event_date", "month")])
    lake.append("silver.sales", arrow_table)
    with lake.session() as s:
        s.sql("SELECT count(*) FROM silver.sales")

Heavy imports happen on first attribute access, so `import greenroom.lake` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greenroom.lake._names import NAMESPACES
from greenroom.lake.exceptions import (
    AccessDeniedError,
    ColumnHiddenError,
    ColumnNotFoundError,
    CommitConflictError,
    HomeError,
    InvalidFilterError,
    InvalidPartitionError,
    InvalidTableNameError,
    LakeUnavailableError,
    QueryError,
    QueryFailedError,
    ReadOnlyError,
    SchemaMismatchError,
    SnapshotNotFoundError,
    TableNotFoundError,
)
from greenroom.lake.records import ScanPlan, SnapshotInfo, TableInfo

if TYPE_CHECKING:
    from greenroom.lake.lakehouse import Lakehouse
    from greenroom.lake.session import Session

__all__ = [
    "NAMESPACES",
    "AccessDeniedError",
    "ColumnHiddenError",
    "ColumnNotFoundError",
    "CommitConflictError",
    "HomeError",
    "InvalidFilterError",
    "InvalidPartitionError",
    "InvalidTableNameError",
    "LakeUnavailableError",
    "Lakehouse",
    "QueryError",
    "QueryFailedError",
    "ReadOnlyError",
    "ScanPlan",
    "SchemaMismatchError",
    "Session",
    "SnapshotInfo",
    "SnapshotNotFoundError",
    "TableInfo",
    "TableNotFoundError",
]


def __getattr__(name: str) -> Any:
    if name == "Lakehouse":
        from greenroom.lake.lakehouse import Lakehouse

        return Lakehouse
    if name == "Session":
        from greenroom.lake.session import Session

        return Session
    raise AttributeError(f"module 'greenroom.lake' has no attribute {name!r}")
