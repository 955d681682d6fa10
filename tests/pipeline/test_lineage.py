"""The column lineage jobs declare beside their Python code (`Job.lineage`): complete, one
declaration per relation, naming real code. `tests/governance/test_declared.py` checks
the declared columns against what a run computes."""

from __future__ import annotations

import importlib

import pytest

from greenroom.pipeline import models
from greenroom.pipeline.exceptions import PipelineError
from greenroom.pipeline.job import Job
from greenroom.pipeline.jobs import JOBS
from greenroom.pipeline.lineage import ColumnLineage

DECLARATIONS = [d for job in JOBS for d in job.lineage]


def _has_sql(name: str) -> bool:
    """A model with a `.sql` file (a relation that is no model has none)."""
    try:
        models.get(name).sql()
    except (FileNotFoundError, PipelineError):
        return False
    return True


def test_every_model_without_sql_is_declared_by_a_job() -> None:
    python = {m.name for m in models.MODELS if not _has_sql(m.name)}
    assert python  # artist_map, venue_map
    assert python <= {d.target for d in DECLARATIONS if not d.augments}


@pytest.mark.parametrize("pipeline_job", JOBS, ids=lambda j: j.name)
def test_a_silver_or_gold_table_written_from_python_is_declared(pipeline_job: Job) -> None:
    by_sql = {m for m in pipeline_job.models if _has_sql(m)}
    declared = {d.target for d in pipeline_job.lineage}
    for table in pipeline_job.outputs:
        if table.split(".")[0] in ("silver", "gold") and table not in by_sql:
            assert table in declared, f"{pipeline_job.name} writes {table} from Python"


def test_jobs_computing_one_relation_share_its_declaration() -> None:
    by_target: dict[tuple[str, bool], ColumnLineage] = {}
    for d in DECLARATIONS:
        assert by_target.setdefault((d.target, d.augments), d) == d, d.target


@pytest.mark.parametrize("declared", DECLARATIONS, ids=lambda d: d.target)
def test_a_declaration_is_well_formed(declared: ColumnLineage) -> None:
    assert declared.columns
    assert all(declared.columns.values()), declared.target
    assert declared.identity <= set(declared.columns)
    # an augmentation adds to a SQL model's relation; anything else is computed in Python
    assert declared.augments == _has_sql(declared.target)
    module, _, function = declared.transformation.partition(":")
    assert getattr(importlib.import_module(module), function) is declared.code
