"""Derive the lineage of the pipeline as it is now: trace every SQL model (in the order
the pipeline runs them) and add the Python jobs the pipeline declares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlglot.errors import SqlglotError

from greenroom.governance.lineage import _sqlprep
from greenroom.governance.lineage.declared import DeclaredJob
from greenroom.governance.lineage.graph import LineageGraph
from greenroom.governance.lineage.jobs import discover
from greenroom.governance.lineage.records import Job, JobLineage, sorted_edges
from greenroom.governance.lineage.schemas import (
    UNKNOWN,
    Schemas,
    add_inferred,
    add_lake_tables,
    add_references,
)
from greenroom.governance.lineage.trace import trace_job

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse


@dataclass(frozen=True)
class Derived:
    jobs: tuple[JobLineage, ...]
    schemas: Schemas
    notes: tuple[str, ...]
    """Relations listed as models that have no lineage (no SQL file, no declaration)."""

    @property
    def warnings(self) -> tuple[str, ...]:
        return (*self.notes, *(w for j in self.jobs for w in j.warnings))

    @property
    def graph(self) -> LineageGraph:
        return LineageGraph.from_jobs(self.jobs)


def derive(lake: Lakehouse | None, declared: Sequence[DeclaredJob] | None = None) -> Derived:
    """The lineage of every job, the schemas it was traced against, and what could not be
    traced. `declared` defaults to what the pipeline's jobs declare (`Job.lineage`)."""
    found = discover(declared)
    sql, python = found.sql, found.python
    schemas = Schemas()
    add_references(schemas)
    reads, referenced = _scan(sql)
    targets = {job.target for job in sql} | {d.target for d in python}
    add_lake_tables(schemas, lake, reads | targets)
    for d in python:
        _set_output(schemas, d.target, tuple(d.columns))
    add_inferred(schemas, referenced)
    out = [d.lineage() for d in python]
    extra = {d.target: d.lineage() for d in found.augmenting}
    for job in sql:
        traced = trace_job(job, schemas)
        if job.target in extra:
            traced = _augment(traced, extra[job.target])
        _set_output(schemas, job.target, traced.columns)
        out.append(traced)
    notes = tuple(
        f"model `{name}` has no SQL file and no declared lineage; declare its "
        "`ColumnLineage` in the `lineage` of the job that computes it"
        for name in found.undeclared
    )
    return Derived(tuple(out), schemas, notes)


def _scan(jobs: Sequence[Job]) -> tuple[set[str], dict[str, set[str]]]:
    """Every relation the jobs read, and the columns they reference on each."""
    reads: set[str] = set()
    referenced: dict[str, set[str]] = defaultdict(set)
    for job in jobs:
        assert job.sql is not None
        try:
            tree = _sqlprep.prepare(_sqlprep.parse(job.sql))
        except SqlglotError:
            continue  # trace_job reports it
        reads |= _sqlprep.relations(tree)
        for relation, columns in _sqlprep.referenced_columns(tree).items():
            referenced[relation] |= columns
    return reads, referenced


def _augment(traced: JobLineage, extra: JobLineage) -> JobLineage:
    """A model's lineage plus the columns a Python job adds to its relation."""
    added = tuple(c for c in extra.columns if c not in traced.columns)
    edges = sorted_edges([*traced.edges, *extra.edges])
    return replace(traced, columns=(*traced.columns, *added), edges=edges)


def _set_output(schemas: Schemas, target: str, columns: Sequence[str]) -> None:
    """What a job writes now is what later jobs read: its columns, stored types kept."""
    if not columns:
        return
    stored = {c.lower(): t for c, t in schemas.types(target).items()}
    schemas.set(target, {c: stored.get(c.lower(), UNKNOWN) for c in columns})
