"""Expose one Iceberg table to DuckDB as a view, scanning as little as the query allows.

Fast path: a table whose current snapshot has no delete files, one schema (schemas that
differ only in their columns' docs count as one) and local data
files becomes `read_parquet([...files...])` over just the files pyiceberg planned with the
pushed-down filter, so DuckDB's own projection and row-group pruning apply. Otherwise
pyiceberg scans (filter and projection pushed) into an Arrow table DuckDB reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from pyiceberg.expressions import BooleanExpression
from pyiceberg.schema import Schema
from pyiceberg.table import FileScanTask, Table
from pyiceberg.types import IcebergType, ListType, MapType, StructType

from greenroom.lake._pushdown import describe
from greenroom.lake.records import ScanPlan


@dataclass(frozen=True)
class ViewSource:
    """What to put behind the view: a `read_parquet` select, or an Arrow table."""

    plan: ScanPlan
    columns: tuple[str, ...]
    """The table's columns the source holds (a projection may leave some out)."""
    select_sql: str | None = None
    arrow: pa.Table | None = None


def plan_view(
    table: Table,
    name: str,
    row_filter: BooleanExpression,
    columns: set[str] | None,
    allowed_dir: Path | None,
) -> ViewSource:
    snapshot = table.current_snapshot()
    snapshot_id = snapshot.snapshot_id if snapshot else None
    total = 0
    if snapshot is not None and snapshot.summary is not None:
        total = int(snapshot.summary.additional_properties.get("total-data-files", 0))
    schema = table.schema()
    names = [f.name for f in schema.fields]
    filter_text = describe(row_filter)
    if snapshot is None:
        plan = ScanPlan(name, None, "empty", filter_text, 0, 0)
        return ViewSource(plan, tuple(names), arrow=schema.as_arrow().empty_table())
    tasks = list(table.scan(row_filter=row_filter).plan_files())
    root = None if allowed_dir is None else allowed_dir.resolve()
    paths = [_local_path(t.file.file_path, root) for t in tasks]
    one_schema = len({_shape(s) for s in table.metadata.schemas}) == 1
    missing = {} if one_schema else _added_columns_missing(table, tasks)
    no_deletes = all(not t.delete_files for t in tasks)
    if not tasks:
        plan = ScanPlan(name, snapshot_id, "empty", filter_text, 0, total)
        return ViewSource(plan, tuple(names), arrow=schema.as_arrow().empty_table())
    if missing is not None and no_deletes and all(p is not None for p in paths):
        files = ", ".join(_quote_literal(str(p)) for p in paths)
        cols = ", ".join(
            f"CAST(NULL AS {missing[n]}) AS {_quote_ident(n)}" if n in missing else _quote_ident(n)
            for n in names
        )
        select_sql = (
            f"SELECT {cols} FROM read_parquet([{files}], hive_partitioning = false, "
            f"union_by_name = {'false' if one_schema else 'true'})"
        )
        plan = ScanPlan(name, snapshot_id, "parquet", filter_text, len(tasks), total)
        return ViewSource(plan, tuple(names), select_sql=select_sql)
    wanted = _projection(names, columns)
    arrow = table.scan(row_filter=row_filter, selected_fields=wanted).to_arrow()
    plan = ScanPlan(name, snapshot_id, "arrow", filter_text, len(tasks), total, wanted)
    return ViewSource(plan, wanted, arrow=arrow)


_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "long": "BIGINT",
    "int": "INTEGER",
    "double": "DOUBLE",
    "float": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamptz": "TIMESTAMPTZ",
    "timestamp": "TIMESTAMP",
}


def _shape(schema: Schema) -> tuple[tuple[int, str, IcebergType], ...]:
    """What the data files depend on: field ids, names and types (not the docs)."""
    return tuple((f.field_id, f.name, f.field_type) for f in schema.fields)


def _nested_ids(field_type: IcebergType) -> set[int]:
    """The field ids inside a nested type (files count values per leaf, not per parent)."""
    ids: set[int] = set()
    if isinstance(field_type, StructType):
        for field in field_type.fields:
            ids |= {field.field_id} | _nested_ids(field.field_type)
    elif isinstance(field_type, ListType):
        ids |= {field_type.element_id} | _nested_ids(field_type.element_type)
    elif isinstance(field_type, MapType):
        ids |= {field_type.key_id, field_type.value_id}
        ids |= _nested_ids(field_type.key_type) | _nested_ids(field_type.value_type)
    return ids


def _added_columns_missing(table: Table, tasks: list[FileScanTask]) -> dict[str, str] | None:
    """For a schema history that only ever added columns, the added columns that no planned
    file holds (name → DuckDB type, read as null): then reading the files by column name
    (DuckDB `union_by_name`) gives Iceberg's answer. None when that does not hold (a column
    renamed, retyped or dropped, or a missing one of a nested type)."""
    current = {f.field_id: (f.name, f.field_type) for f in table.schema().fields}
    for old in table.metadata.schemas:
        for f in old.fields:
            if current.get(f.field_id) != (f.name, f.field_type):
                return None
    present: set[int] = set()
    for task in tasks:
        present.update(task.file.value_counts or {})
    missing: dict[str, str] = {}
    for field_id, (name, field_type) in current.items():
        if field_id in present or not present.isdisjoint(_nested_ids(field_type)):
            continue
        duck = _DUCKDB_TYPES.get(str(field_type))
        if duck is None:  # nested, or a type without a plain mapping: let pyiceberg read it
            return None
        missing[name] = duck
    return missing


def _projection(names: list[str], mentioned: set[str] | None) -> tuple[str, ...]:
    if mentioned is None:
        return tuple(names)
    chosen = tuple(n for n in names if n.lower() in mentioned)
    return chosen or tuple(names[:1])  # COUNT(*) still needs the row count


def _local_path(location: str, root: Path | None) -> Path | None:
    if root is None:
        return None
    if location.startswith("file://"):
        location = location[len("file://") :]
    elif "://" in location:
        return None
    path = Path(location).resolve()  # DuckDB compares resolved paths with allowed_directories
    if not path.is_relative_to(root):
        return None
    return path


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


quote_ident = _quote_ident
