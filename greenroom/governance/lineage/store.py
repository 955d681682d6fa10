"""`ops.lineage_edges`: the edges of every recorded run, appended, never rewritten.

The current lineage of a relation is what the latest recording that covered it says:
a run that rebuilt only some tables leaves the others' lineage as recorded before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.governance.lineage.records import Edge, Subtype

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

TABLE = "ops.lineage_edges"
SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source_table", pa.string()),
        ("source_column", pa.string()),
        ("target_table", pa.string()),
        ("target_column", pa.string()),
        ("transformation", pa.string()),
        ("precise", pa.bool_()),
        ("subtype", pa.string()),
        ("recorded_at", pa.timestamp("us", tz="UTC")),
    ]
)


def write(lake: Lakehouse, run_id: str, edges: Sequence[Edge], recorded_at: dt.datetime) -> None:
    """Append `edges` as recorded by `run_id` at `recorded_at`, in one commit."""
    rows = {
        "run_id": [run_id] * len(edges),
        "source_table": [e.source_table for e in edges],
        "source_column": [e.source_column for e in edges],
        "target_table": [e.target_table for e in edges],
        "target_column": [e.target_column for e in edges],
        "transformation": [e.transformation for e in edges],
        "precise": [e.precise for e in edges],
        "subtype": [e.subtype for e in edges],
        "recorded_at": [recorded_at] * len(edges),
    }
    lake.create_table(TABLE, SCHEMA, evolve=True)
    if edges:
        lake.append(TABLE, pa.table(rows, schema=SCHEMA))


def read_current(lake: Lakehouse) -> list[Edge] | None:
    """Per target relation, the edges of its latest recording; None if nothing was recorded."""
    if not lake.exists(TABLE):
        return None
    table = lake.read(TABLE)
    if table.num_rows == 0:
        return None
    latest = table.group_by("target_table").aggregate([("recorded_at", "max")])
    joined = table.join(latest, "target_table")
    current = joined.filter(pc.equal(joined["recorded_at"], joined["recorded_at_max"]))
    return [_edge(row) for row in current.select(SCHEMA.names).to_pylist()]


def read_target(lake: Lakehouse, relation: str) -> list[Edge]:
    """The current edges into `relation` (empty when none were recorded)."""
    return [e for e in read_current(lake) or () if e.target_table == relation]


def _edge(row: dict[str, object]) -> Edge:
    subtype = row["subtype"]
    return Edge(
        target_table=str(row["target_table"]),
        target_column=_opt(row["target_column"]),
        source_table=str(row["source_table"]),
        source_column=_opt(row["source_column"]),
        transformation=str(row["transformation"]),
        precise=bool(row["precise"]),
        subtype=_subtype(subtype),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _subtype(value: object) -> Subtype | None:
    if value == "IDENTITY":
        return "IDENTITY"
    if value == "TRANSFORMATION":
        return "TRANSFORMATION"
    if value == "AGGREGATION":
        return "AGGREGATION"
    return None
