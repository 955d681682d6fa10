"""Which jobs a run covers: by lineage job name, by the relation a job writes, or by the
name of a pipeline job (whose `outputs` and `models` name the relations); plus the
ephemeral models those jobs read, which ran inside them."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence

from greenroom.governance.lineage.records import JobLineage


def select(
    jobs: Sequence[JobLineage], names: Sequence[str] | None
) -> tuple[list[JobLineage], list[str]]:
    """The jobs `names` cover (all when None) in pipeline order, and the names nothing matched."""
    if names is None:
        return list(jobs), []
    by_key: dict[str, JobLineage] = {}
    for job in jobs:
        by_key.setdefault(job.job.name, job)
        by_key.setdefault(job.job.target, job)
    chosen: dict[str, JobLineage] = {}
    unknown: list[str] = []
    for name in names:
        matched = [by_key[k] for k in (name, *pipeline_relations(name)) if k in by_key]
        if not matched:
            unknown.append(name)
        for job in matched:
            chosen[job.job.target] = job
    _add_ephemeral_inputs(chosen, by_key)
    return [j for j in jobs if j.job.target in chosen], unknown


def _add_ephemeral_inputs(chosen: dict[str, JobLineage], by_key: dict[str, JobLineage]) -> None:
    todo = list(chosen.values())
    while todo:
        job = todo.pop()
        for relation in job.reads:
            upstream = by_key.get(relation)
            if upstream and upstream.job.materialized == "ephemeral" and relation not in chosen:
                chosen[relation] = upstream
                todo.append(upstream)


def pipeline_relations(name: str) -> Iterable[str]:
    """The relations pipeline job `name` writes or runs, if the pipeline defines such a job."""
    try:
        module = importlib.import_module("greenroom.pipeline.jobs")
    except ImportError:
        return ()
    for job in getattr(module, "JOBS", ()):
        if getattr(job, "name", None) == name:
            return (*getattr(job, "outputs", ()), *getattr(job, "models", ()))
    return ()
