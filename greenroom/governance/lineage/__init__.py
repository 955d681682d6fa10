"""Lineage: where every table and column of the lake comes from.

    from greenroom.governance.lineage import LineageListener, record_run_lineage, trace_back
    run_pipeline(lake, settings, listeners=[LineageListener(lake, settings)])
    result = record_run_lineage(lake, settings, run_id)   # or by hand, after a run
    path = trace_back(lake, "silver.concerts.revenue")     # back to bronze and raw files

Column lineage is derived from the SQL models with sqlglot (`trace`), Python jobs declare
theirs beside their code (`Job.lineage`, read by `declared`); edges go to `ops.lineage_edges` (`store`) and out as OpenLineage
events (`events`, `transport`). See docs/lineage.md. sqlglot and openlineage are imported
on first use of the functions that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greenroom.governance.lineage.exceptions import (
    LineageEmitError,
    LineageError,
    UnknownColumnError,
    UnknownRelationError,
)
from greenroom.governance.lineage.records import Edge, Job, JobLineage, LineageResult
from greenroom.governance.lineage.settings import LineageSettings

if TYPE_CHECKING:
    from greenroom.governance.lineage.declared import DeclaredJob, declared_jobs
    from greenroom.governance.lineage.derive import derive
    from greenroom.governance.lineage.graph import LineageGraph
    from greenroom.governance.lineage.listener import LineageListener
    from greenroom.governance.lineage.path import LineagePath, trace_back
    from greenroom.governance.lineage.run import (
        record_lineage,
        record_run_lineage,
        track_data_lineage,
    )

__all__ = [
    "DeclaredJob",
    "Edge",
    "Job",
    "JobLineage",
    "LineageEmitError",
    "LineageError",
    "LineageGraph",
    "LineageListener",
    "LineagePath",
    "LineageResult",
    "LineageSettings",
    "UnknownColumnError",
    "UnknownRelationError",
    "declared_jobs",
    "derive",
    "record_lineage",
    "record_run_lineage",
    "trace_back",
    "track_data_lineage",
]

_LAZY = {
    "DeclaredJob": "declared",
    "declared_jobs": "declared",
    "derive": "derive",
    "LineageGraph": "graph",
    "LineageListener": "listener",
    "LineagePath": "path",
    "trace_back": "path",
    "record_lineage": "run",
    "record_run_lineage": "run",
    "track_data_lineage": "run",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
