"""The entry points: record a run's lineage in `ops.lineage_edges`, emit it as OpenLineage
events, and record lineage by hand (the seed's `track_data_lineage`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from greenroom.governance.lineage import store
from greenroom.governance.lineage.declared import DeclaredJob
from greenroom.governance.lineage.derive import Derived, derive
from greenroom.governance.lineage.exceptions import LineageEmitError, LineageError
from greenroom.governance.lineage.records import (
    Edge,
    JobLineage,
    LineageResult,
    Subtype,
    sorted_edges,
    split_ref,
)
from greenroom.governance.lineage.select import pipeline_relations, select
from greenroom.governance.lineage.settings import LineageSettings, lineage_settings

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse


def record_lineage(
    lake: Lakehouse,
    run_id: str,
    jobs: Sequence[str] | None = None,
    *,
    declared: Sequence[DeclaredJob] | None = None,
) -> LineageResult:
    """Trace the pipeline's jobs (`jobs` only, when given) and append their edges to
    `ops.lineage_edges` under `run_id`. Emits nothing."""
    return _record(lake, derive(lake, declared), run_id, jobs)[0]


def record_run_lineage(
    lake: Lakehouse,
    settings: Settings,
    run_id: str,
    jobs: Sequence[str] | None = None,
    *,
    started_at: dt.datetime | None = None,
    failed: Mapping[str, str] | None = None,
    lineage: LineageSettings | None = None,
    declared: Sequence[DeclaredJob] | None = None,
) -> LineageResult:
    """After a pipeline run: record the lineage of the jobs it ran, then emit a START and a
    COMPLETE (or FAIL, for `failed`: job → error message) OpenLineage event per job that
    writes a lake table. Raises `LineageEmitError` if events cannot be delivered (the
    edges are recorded by then)."""
    from greenroom.governance.lineage.events import Phase, run_event
    from greenroom.governance.lineage.transport import open_emitter

    derived = derive(lake, declared)
    result, chosen = _record(lake, derived, run_id, jobs)
    config = lineage or lineage_settings(settings)
    emitter = open_emitter(config, settings.home, run_id)
    graph, errors = derived.graph, _by_relation(failed or {})
    ended = dt.datetime.now(dt.UTC)
    started = started_at or ended
    count = 0
    for job in (j for j in chosen if j.job.materialized == "table"):
        error = errors.get(job.job.name) or errors.get(job.job.target)
        phases: tuple[tuple[Phase, dt.datetime], ...] = (
            ("START", started),
            ("FAIL" if error else "COMPLETE", ended),
        )
        for phase, at in phases:
            event = run_event(
                graph,
                derived.schemas,
                job,
                phase=phase,
                namespace=config.namespace,
                run_id=run_id,
                at=at,
                error=error if phase == "FAIL" else None,
            )
            try:
                emitter.client.emit(event)
            except (OSError, RuntimeError) as exc:  # requests' errors are OSErrors
                detail = (str(exc).splitlines() or [type(exc).__name__])[0]
                raise LineageEmitError(emitter.destination, detail) from exc
            count += 1
    return LineageResult(
        result.run_id,
        result.jobs,
        result.edges,
        result.recorded_at,
        events=count,
        destination=emitter.destination,
        warnings=result.warnings,
    )


def track_data_lineage(
    source: str,
    target: str,
    transformation: str,
    *,
    lake: Lakehouse | None = None,
    run_id: str | None = None,
) -> LineageResult:
    """Record that `target` is computed from `source` by `transformation` (code outside the
    pipeline: a notebook, an export). Both are `ns.table` or `ns.table.column`; a column
    target may come from a whole table (its rows). The edge joins the target's current
    lineage."""
    from greenroom.lake import Lakehouse

    lake = lake or Lakehouse.open()
    source_table, source_column = split_ref(source)
    target_table, target_column = split_ref(target)
    if source_column is not None and target_column is None:
        raise LineageError(
            f"`{source}` is a column but `{target}` is a table; name the target column too"
        )
    new = [Edge(target_table, None, source_table, None, transformation)]
    if target_column is not None:
        subtype: Subtype | None = "TRANSFORMATION" if source_column else None
        new.append(
            Edge(
                target_table,
                target_column,
                source_table,
                source_column,
                transformation,
                True,
                subtype,
            )
        )
    edges = sorted_edges([*store.read_target(lake, target_table), *new])
    run_id = run_id or f"manual-{uuid.uuid4().hex[:12]}"
    recorded_at = dt.datetime.now(dt.UTC)
    store.write(lake, run_id, edges, recorded_at)
    return LineageResult(run_id, (transformation,), edges, recorded_at)


def _by_relation(failed: Mapping[str, str]) -> dict[str, str]:
    """Errors by job name and by every relation the (pipeline) job writes or runs."""
    out: dict[str, str] = {}
    for name, error in failed.items():
        for key in (name, *pipeline_relations(name)):
            out.setdefault(key, error)
    return out


def _record(
    lake: Lakehouse, derived: Derived, run_id: str, jobs: Sequence[str] | None
) -> tuple[LineageResult, list[JobLineage]]:
    chosen, unknown = select(derived.jobs, jobs)
    warnings = [*derived.notes, *(w for j in chosen for w in j.warnings)]
    warnings += [
        f"job `{name}` is not a model or declared job; no lineage for it" for name in unknown
    ]
    edges = sorted_edges(e for j in chosen for e in j.edges)
    recorded_at = dt.datetime.now(dt.UTC)
    store.write(lake, run_id, edges, recorded_at)
    names = tuple(j.job.name for j in chosen)
    return LineageResult(run_id, names, edges, recorded_at, warnings=tuple(warnings)), chosen
