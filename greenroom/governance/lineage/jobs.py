"""The jobs whose lineage is traced: the SQL models as they exist at run time
(`greenroom.pipeline.models.MODELS`), plus the Python jobs the pipeline declares for the
relations no SQL file computes (a model listed without a `.sql` file is computed in Python)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from greenroom.governance.lineage.declared import DeclaredJob, declared_jobs
from greenroom.governance.lineage.records import Job

MODELS_ROOT = "greenroom/pipeline/models"


@dataclass(frozen=True)
class Jobs:
    sql: tuple[Job, ...]
    """One job per SQL model, in the order the pipeline lists them."""
    python: tuple[DeclaredJob, ...]
    """Declared jobs for relations no SQL model computes."""
    augmenting: tuple[DeclaredJob, ...]
    """Declared columns Python adds to relations SQL models compute."""
    undeclared: tuple[str, ...]
    """Models listed without a SQL file and without a declaration: no lineage."""


def discover(declared: Sequence[DeclaredJob] | None = None) -> Jobs:
    """The jobs to trace; `declared` defaults to what the pipeline's jobs declare."""
    from greenroom.pipeline.models import MODELS

    if declared is None:
        declared = declared_jobs()

    sql: list[Job] = []
    without_sql: list[str] = []
    for model in MODELS:
        try:
            text = model.sql()
        except FileNotFoundError:
            without_sql.append(model.name)
            continue
        sql.append(
            Job(
                name=model.name,
                target=model.name,
                language="sql",
                materialized=model.materialized,
                transformation=f"{MODELS_ROOT}/{model.path}",
                sql=text,
            )
        )
    written = {job.target for job in sql}
    python = tuple(d for d in declared if not d.augments and d.target not in written)
    augmenting = tuple(d for d in declared if d.augments and d.target in written)
    covered = {d.target for d in python}
    undeclared = tuple(n for n in without_sql if n not in covered)
    return Jobs(tuple(sql), python, augmenting, undeclared)
