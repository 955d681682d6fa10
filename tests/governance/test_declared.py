"""The lineage the pipeline's jobs declare, against what a run of those jobs computes: a
declared column a job no longer computes, or a relation a job starts computing in Python
for the SQL models to read without declaring it, fails here."""

from __future__ import annotations

import shutil
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pytest

from greenroom.config import Settings
from greenroom.governance.lineage.declared import declared_jobs
from greenroom.governance.lineage.derive import Derived
from greenroom.lake import Lakehouse
from greenroom.pipeline import run_pipeline
from greenroom.pipeline.job import Job, JobContext
from greenroom.pipeline.jobs import JOBS
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

Computed = dict[str, dict[str, dict[str, list[str]]]]
"""`registered` / `written` / `modelled` → job → relation → its columns."""


@pytest.fixture(scope="module")
def computed(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Computed:
    """What each job's Python registers and writes, and what its SQL models return, in a
    `--full` run over a copy of the messy world."""
    home = tmp_path_factory.mktemp("declared") / "home"
    shutil.copytree(messy_world.settings.home, home)
    settings = Settings(home=home)
    seen: Computed = {k: defaultdict(dict) for k in ("registered", "written", "modelled")}
    register, write, model = JobContext.register, JobContext.write, JobContext.model

    def on_register(ctx: JobContext, name: str, data: pa.Table) -> None:
        seen["registered"][ctx.job.name][name] = data.column_names
        register(ctx, name, data)

    def on_write(ctx: JobContext, table: str, data: pa.Table, **kw: Any) -> int | None:
        seen["written"][ctx.job.name][table] = data.column_names
        return write(ctx, table, data, **kw)

    def on_model(ctx: JobContext, name: str, **kw: Any) -> pa.Table:
        result = model(ctx, name, **kw)
        seen["modelled"][ctx.job.name][name] = result.column_names
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JobContext, "register", on_register)
        patch.setattr(JobContext, "write", on_write)
        patch.setattr(JobContext, "model", on_model)
        assert run_pipeline(Lakehouse.open(settings), settings, full=True).ok
    return seen


@pytest.mark.parametrize("pipeline_job", JOBS, ids=lambda j: j.name)
def test_declared_columns_are_columns_the_job_computes(
    computed: Computed, pipeline_job: Job
) -> None:
    produced = {
        **computed["registered"][pipeline_job.name],
        **computed["written"][pipeline_job.name],
    }
    for declared in pipeline_job.lineage:
        assert declared.target in produced, f"{pipeline_job.name} never computes {declared.target}"
        missing = set(declared.columns) - set(produced[declared.target])
        assert not missing, f"{declared.target}: {sorted(missing)}"


@pytest.mark.parametrize("pipeline_job", JOBS, ids=lambda j: j.name)
def test_what_python_computes_for_sql_to_read_is_declared(
    computed: Computed, derived: Derived, pipeline_job: Job
) -> None:
    """A relation a job registers that a SQL model reads is declared; columns Python adds
    to a model's own relation are declared as an augmentation."""
    read = {e.source_table for j in derived.jobs if j.job.language == "sql" for e in j.edges}
    modelled = computed["modelled"][pipeline_job.name]
    declared = {(d.target, d.augments): d for d in pipeline_job.lineage}
    for relation, columns in computed["registered"][pipeline_job.name].items():
        if relation not in read:
            continue  # read by no model (resolution pairs, the new rows of a feed)
        if relation in modelled:
            added = set(columns) - set(modelled[relation])
            augmentation = declared.get((relation, True))
            assert added <= set(augmentation.columns if augmentation else ()), (relation, added)
        else:
            assert (relation, False) in declared, f"{pipeline_job.name} registers {relation}"


def test_governance_reads_every_declaration_once() -> None:
    targets = [(d.target, d.augments) for d in declared_jobs()]
    assert len(targets) == len(set(targets))
    assert set(targets) == {(d.target, d.augments) for job in JOBS for d in job.lineage}


def test_declarations_name_their_code() -> None:
    import importlib

    for declared in declared_jobs():
        module, _, function = declared.transformation.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), declared.name
