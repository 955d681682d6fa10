"""The records lineage is made of: relations, edges, jobs and results.

A *relation* is anything a job reads or writes, named as the SQL names it: a lakehouse
table `ns.table`, an ephemeral model (`stg_sales`), or a reference relation
(`ref_fx_rates`, `params`). An *edge* says a target column (or the target as a whole) is
computed from a source column (or the source's rows as a whole).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from greenroom.governance.lineage.exceptions import LineageError
from greenroom.lake import NAMESPACES

Subtype = Literal["IDENTITY", "TRANSFORMATION", "AGGREGATION"]
"""How a column edge transforms its input (the OpenLineage DIRECT subtypes)."""

RelationKind = Literal["bronze", "lake", "ephemeral", "reference"]

REFERENCE_RELATIONS = ("ref_countries", "ref_cities", "ref_fx_rates", "params")

_STRENGTH: dict[Subtype, int] = {"IDENTITY": 0, "TRANSFORMATION": 1, "AGGREGATION": 2}


def stronger(a: Subtype | None, b: Subtype | None) -> Subtype | None:
    """The more transforming of two subtypes (an aggregation of an identity aggregates)."""
    if a is None or b is None:
        return a or b
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


def relation_kind(name: str) -> RelationKind:
    if name in REFERENCE_RELATIONS or name.startswith("ref_"):
        return "reference"
    namespace, dot, _ = name.partition(".")
    if not dot:
        return "ephemeral"
    return "bronze" if namespace == "bronze" else "lake"


def split_ref(ref: str) -> tuple[str, str | None]:
    """`silver.concerts.revenue` → (`silver.concerts`, `revenue`); `silver.concerts` →
    (`silver.concerts`, None); `stg_sales.unit_price` → (`stg_sales`, `unit_price`)."""
    parts = ref.strip().lower().split(".")
    if parts[0] in NAMESPACES:
        table, rest = ".".join(parts[:2]), parts[2:]
    else:
        table, rest = parts[0], parts[1:]
    if len(rest) > 1 or not all(parts):
        raise LineageError(
            f"`{ref}` is not a table or column; write `ns.table`, `ns.table.column`, "
            "or an ephemeral model's `model.column`"
        )
    return table, (rest[0] if rest else None)


@dataclass(frozen=True)
class Edge:
    """`target_table.target_column` ← `source_table.source_column`.

    - both columns set: column lineage (`subtype` says how it transforms);
    - both null: table lineage (the job reads `source_table` to write `target_table`);
    - only the source column null, `precise=True`: the value is a constant or a count of
      the source's rows (`'online' AS channel`, `count(*)`): it depends on the rows only;
    - only the source column null, `precise=False`: sqlglot could not trace the column,
      so every column of `source_table` may contribute (table-level fallback).
    """

    target_table: str
    target_column: str | None
    source_table: str
    source_column: str | None
    transformation: str
    """The model file (`pipeline/models/silver/concerts.sql`) or Python job that computes it."""
    precise: bool = True
    subtype: Subtype | None = None

    @property
    def is_table_edge(self) -> bool:
        return self.target_column is None

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (
            self.target_table,
            self.target_column or "",
            self.source_table,
            self.source_column or "",
            self.transformation,
        )


def sorted_edges(edges: Iterable[Edge]) -> tuple[Edge, ...]:
    """Distinct edges in a stable order (target, then source)."""
    return tuple(sorted(set(edges), key=Edge.sort_key))


@dataclass(frozen=True)
class Job:
    """One step of the pipeline that writes one relation."""

    name: str
    target: str
    language: Literal["sql", "python"]
    materialized: Literal["ephemeral", "table"]
    transformation: str
    sql: str | None = None


@dataclass(frozen=True)
class JobLineage:
    """What tracing one job found: its output columns and the edges into them."""

    job: Job
    columns: tuple[str, ...]
    edges: tuple[Edge, ...]
    warnings: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(sorted({e.source_table for e in self.edges if e.is_table_edge}))

    @property
    def imprecise(self) -> tuple[str, ...]:
        return tuple(
            sorted({e.target_column for e in self.edges if not e.precise and e.target_column})
        )


@dataclass(frozen=True)
class LineageResult:
    """What one recording of lineage did (the seed's `LineageResult`)."""

    run_id: str
    jobs: tuple[str, ...]
    edges: tuple[Edge, ...]
    recorded_at: dt.datetime
    events: int = 0
    """OpenLineage events emitted."""
    destination: str | None = None
    """Where the events went: a directory or a URL."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def imprecise(self) -> tuple[str, ...]:
        """`table.column` traced only at table level."""
        return tuple(
            sorted({f"{e.target_table}.{e.target_column}" for e in self.edges if not e.precise})
        )
