"""A job: one named step of the pipeline with declared input and output tables.

A job's ``run`` gets a :class:`JobContext`: the lake, a fresh read-only DuckDB session with
the reference relations registered, whether this is a ``--full`` rebuild, and what the
job's last successful run recorded (for incremental work). It writes through
:meth:`JobContext.write`, which creates or evolves the table, applies the table's declared
column descriptions (`models/<layer>/<name>.yaml`), commits once, and — for
tables written with ``compare=True`` — skips the commit when the content is unchanged,
so a job that recomputes the same result leaves no new snapshot behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from greenroom.pipeline import models
from greenroom.pipeline.lineage import ColumnLineage
from greenroom.pipeline.models.docs import docs_text, table_docs
from greenroom.pipeline.snapshots import SnapshotCache

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse, Session
    from greenroom.pipeline.runlog import JobState

Mode = Literal["full", "incremental", "unchanged"]
HASH_PREFIX = "greenroom.content-hash"
BATCHES = "greenroom.batches"
"""Snapshot property of an append: the ingestion batches whose rows it added."""


@dataclass(frozen=True)
class JobOutput:
    """What a job reports beyond its writes (which the context tracks)."""

    rows_in: int
    mode: Mode = "full"
    state: Mapping[str, str] = field(default_factory=dict)
    """Job-specific state kept in `ops.job_runs` for the next incremental run."""
    notes: Mapping[str, int] = field(default_factory=dict)
    """Counts worth reporting (e.g. `rejected`, `replays`), kept in `ops.job_runs.counts`."""


@dataclass(frozen=True)
class Job:
    name: str
    inputs: tuple[str, ...]
    """Lake tables the job reads (`ns.table`)."""
    outputs: tuple[str, ...]
    """Lake tables the job writes."""
    run: Callable[[JobContext], JobOutput]
    models: tuple[str, ...] = ()
    """The SQL models it executes (their text is part of the job's code version)."""
    optional_inputs: tuple[str, ...] = ()
    """Inputs that may not exist yet (the job copes, e.g. with an empty relation)."""
    version: str = "1"
    """Bump when the Python code changes what the job produces: it then reruns."""
    description: str = ""
    lineage: tuple[ColumnLineage, ...] = ()
    """The column lineage of what its Python code computes (its SQL models need none)."""

    def code_version(self) -> str:
        """A digest of what determines the job's result besides its inputs."""
        digest = hashlib.sha256(f"{self.name}|{self.version}".encode())
        for name in self.models:
            digest.update(models.get(name).sql().encode("utf-8"))
        for table in self.outputs:  # a changed description reruns the job, which applies it
            digest.update(docs_text(table).encode("utf-8"))
        digest.update(models.reference_digest().encode())
        return digest.hexdigest()[:16]


@dataclass
class JobContext:
    lake: Lakehouse
    settings: Settings
    session: Session
    job: Job
    run_id: str
    run_at: dt.datetime
    full: bool
    previous: JobState | None
    snapshots: SnapshotCache
    rows_out: int = 0
    written: dict[str, int] = field(default_factory=dict)

    def model(self, name: str, *, replace: Mapping[str, str] | None = None) -> pa.Table:
        """Run the SQL model `name`; an ephemeral model is registered under its name."""
        model = models.get(name)
        result = self.session.sql(models.render(model.sql(), replace or {}))
        if model.materialized == "ephemeral":
            self.session.register(model.name, result)
        return result

    def register(self, name: str, data: pa.Table) -> None:
        self.session.register(name, data)

    def exists(self, table: str) -> bool:
        return self.snapshots.exists(table)

    def write(
        self,
        table: str,
        data: pa.Table,
        *,
        where: str | None = None,
        append: bool = False,
        partition_by: Sequence[tuple[str, str]] = (),
        compare: bool = False,
        volatile: Sequence[str] = (),
        properties: Mapping[str, str] | None = None,
    ) -> int | None:
        """Commit `data` to `table`: replace it (or the rows matching `where`), or append.

        With `compare`, the content (minus `volatile` columns such as `calculated_at`) is
        hashed and the commit skipped when the table already holds exactly that content.
        An append drops the recorded content hashes (they no longer describe the table).
        `properties` are added to the snapshot's summary. Returns the table's snapshot id.
        """
        self.rows_out += data.num_rows
        self.lake.create_table(table, data.schema, partition_by=partition_by, evolve=True)
        self._describe(table, data.column_names)
        key = f"{HASH_PREFIX}[{where or '*'}]"
        current = self.snapshots.current(table)
        carried = {
            k: v
            for k, v in (current.summary if current else {}).items()
            if k.startswith(HASH_PREFIX) and where is not None and k != key
        }
        props: dict[str, str] = {**carried, **(properties or {})}
        if compare and not append:
            digest = self._content_hash(data, volatile)
            if not self.full and current is not None and current.summary.get(key) == digest:
                return current.snapshot_id
            props[key] = digest
        if append:
            snapshot = self.lake.append(table, data, properties=props)
        else:
            snapshot = self.lake.overwrite(table, data, where=where, properties=props)
        self.written[table] = snapshot
        self.snapshots.forget(table)
        return snapshot

    def _describe(self, table: str, columns: list[str]) -> None:
        """Apply the table's declared descriptions (models/<layer>/<name>.yaml) to its
        Iceberg schema; no commit when they are already there."""
        docs = table_docs(table)
        if docs is not None:
            self.lake.describe_columns(table, docs.for_columns(columns), comment=docs.description)

    def changed_inputs(self) -> set[str]:
        """The inputs whose snapshot differs from what the job's last run recorded."""
        before = self.previous.input_snapshots if self.previous else {}
        now = self.snapshots.ids(self.job.inputs)
        return {t for t, snap in now.items() if before.get(t) != snap}

    def appended_batches(self, table: str) -> list[str] | None:
        """The batches appended to `table` since the job's last run read it, when appends
        tagged with their batches (:data:`BATCHES`) are all that happened; else None."""
        since = self.previous.input_snapshots.get(table) if self.previous else None
        if self.full or since is None:
            return None
        history = {s.snapshot_id: s for s in self.lake.snapshots(table)}
        current = self.snapshots.snapshot_id(table)
        batches: list[str] = []
        while current != since:
            snap = history.get(current) if current is not None else None
            if snap is None or snap.operation != "append" or BATCHES not in snap.summary:
                return None
            batches.extend(b for b in snap.summary[BATCHES].split(",") if b)
            current = snap.parent_id
        return batches

    def _content_hash(self, data: pa.Table, volatile: Sequence[str]) -> str:
        columns = [c for c in data.column_names if c not in volatile]
        self.session.register("content_to_hash", data.select(columns))
        row = self.session.sql(
            "SELECT count(*) AS n, bit_xor(hash(t)) AS h FROM content_to_hash AS t"
        ).to_pylist()[0]
        schema = ",".join(f"{f.name}:{f.type}" for f in data.select(columns).schema)
        return hashlib.sha256(f"{schema}|{row['n']}|{row['h']}".encode()).hexdigest()[:24]
