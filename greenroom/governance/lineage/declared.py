"""Declared lineage for what Python computes, which sqlglot cannot read.

Each pipeline job declares, beside its code, the column lineage of the relations its
Python computes (`Job.lineage`, `greenroom.pipeline.lineage.ColumnLineage`);
:func:`declared_jobs` reads them from the job graph. A declared job maps each output
column to the inputs it is computed from; an input is `relation.column`, or a bare
relation when the value depends only on its rows (a constant per row). Two kinds:

- a *replacement* computes a relation no SQL model computes (`artist_map`,
  `silver.entity_xref`); it is used only while no SQL file computes the same relation;
- an *augmentation* (`augments=True`) adds columns to a relation a SQL model computes,
  the way the venues job adds `coords_plausible` to `stg_venues` before `silver.venues`
  reads it; its edges join the model's.

`derive` reports a model without SQL and without a declaration, and a column no
declaration explains degrades to table-level lineage (`precise=False`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

from greenroom.governance.lineage.records import (
    Edge,
    Job,
    JobLineage,
    Subtype,
    sorted_edges,
    split_ref,
)

if TYPE_CHECKING:
    from greenroom.pipeline.job import Job as PipelineJob
    from greenroom.pipeline.lineage import ColumnLineage


@dataclass(frozen=True)
class DeclaredJob:
    name: str
    target: str
    transformation: str
    """Where the code lives, `module:function`."""
    materialized: Literal["ephemeral", "table"]
    columns: Mapping[str, tuple[str, ...]]
    identity: frozenset[str] = field(default_factory=frozenset)
    """Output columns copied unchanged from their single input."""
    augments: bool = False

    @property
    def job(self) -> Job:
        return Job(self.name, self.target, "python", self.materialized, self.transformation)

    def lineage(self) -> JobLineage:
        edges: set[Edge] = set()
        for column, inputs in self.columns.items():
            subtype: Subtype = "IDENTITY" if column in self.identity else "TRANSFORMATION"
            for ref in inputs:
                table, source_column = split_ref(ref)
                if table != self.target:
                    edges.add(Edge(self.target, None, table, None, self.transformation))
                edges.add(
                    Edge(
                        self.target,
                        column,
                        table,
                        source_column,
                        self.transformation,
                        subtype=subtype if source_column else None,
                    )
                )
        return JobLineage(self.job, tuple(self.columns), sorted_edges(edges))

    @classmethod
    def of(cls, declared: ColumnLineage) -> DeclaredJob:
        """A pipeline job's declaration, named after the relation it computes."""
        return cls(
            name=declared.target.rpartition(".")[2],
            target=declared.target,
            transformation=declared.transformation,
            materialized=declared.materialized,
            columns=declared.columns,
            identity=declared.identity,
            augments=declared.augments,
        )


def from_jobs(jobs: Sequence[PipelineJob]) -> tuple[DeclaredJob, ...]:
    """The declarations of `jobs`, once each (several jobs may compute one relation, as
    every writer of the crosswalk does): the relations Python registers first, then the
    tables it writes, each in the order of `jobs`."""
    unique: list[ColumnLineage] = []
    for job in jobs:
        unique += [d for d in job.lineage if d not in unique]
    ordered = sorted(unique, key=lambda d: d.materialized == "table")
    return tuple(DeclaredJob.of(d) for d in ordered)


@cache
def declared_jobs() -> tuple[DeclaredJob, ...]:
    """What the pipeline's jobs declare, in the order the job graph runs them."""
    from greenroom.pipeline.graph import JobGraph
    from greenroom.pipeline.jobs import JOBS

    return from_jobs(JobGraph(JOBS).ordered())
