"""The job graph: order, cycles, downstream jobs, and the real jobs' declarations."""

from __future__ import annotations

import pytest

from greenroom.pipeline import models
from greenroom.pipeline.exceptions import GraphError, UnknownJobError
from greenroom.pipeline.graph import JobGraph
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.jobs import JOBS


def _noop(ctx: JobContext) -> JobOutput:
    return JobOutput(rows_in=0)


def job(name: str, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> Job:
    return Job(name, inputs, outputs, _noop)


def test_jobs_run_after_their_producers_and_ties_keep_declaration_order() -> None:
    graph = JobGraph(
        [
            job("gold", ("silver.x", "silver.y"), ("gold.g",)),
            job("y", ("bronze.b",), ("silver.y",)),
            job("x", ("bronze.a",), ("silver.x",)),
            job("other", ("bronze.c",), ("silver.z",)),
        ]
    )
    assert graph.order == ["y", "x", "gold", "other"]
    assert graph.upstream["gold"] == ["y", "x"]
    assert graph.downstream("x") == ["gold"]


def test_a_job_reading_what_it_writes_does_not_depend_on_itself() -> None:
    graph = JobGraph(
        [
            job("artists", ("bronze.a",), ("silver.xref",)),
            job("concerts", ("silver.xref",), ("silver.xref",)),
            job("sales", ("silver.xref",), ("silver.sales",)),
        ]
    )
    assert graph.upstream["concerts"] == ["artists"]
    assert graph.upstream["sales"] == ["artists", "concerts"]
    assert graph.shared == {"silver.xref"}
    assert graph.owned_outputs("sales") == ["silver.sales"]


def test_cycles_and_duplicate_names_are_refused() -> None:
    with pytest.raises(GraphError, match="`a`, `b` depend on each other in a cycle"):
        JobGraph([job("a", ("silver.b",), ("silver.a",)), job("b", ("silver.a",), ("silver.b",))])
    with pytest.raises(GraphError, match="`a` are declared twice"):
        JobGraph([job("a", (), ("silver.a",)), job("a", (), ("silver.b",))])


def test_an_unknown_job_names_the_known_ones() -> None:
    graph = JobGraph([job("a", (), ("silver.a",))])
    with pytest.raises(UnknownJobError, match=r"job `z` does not exist; .* \(a\)"):
        graph.downstream("z")


def test_the_pipeline_graph() -> None:
    graph = JobGraph(JOBS)
    assert graph.order == [
        "artists", "venues", "customers", "concert_ids", "ticket_sales", "concerts",
        "venue_popularity", "artist_performance", "sales_daily",
    ]  # fmt: skip
    assert graph.upstream["ticket_sales"] == ["artists", "venues", "customers", "concert_ids"]
    assert graph.downstream("customers") == [
        "concert_ids", "ticket_sales", "concerts", "venue_popularity", "artist_performance",
        "sales_daily",
    ]  # fmt: skip


@pytest.mark.parametrize("pipeline_job", JOBS, ids=lambda j: j.name)
def test_every_table_a_job_s_models_read_is_a_declared_input(pipeline_job: Job) -> None:
    declared = set(pipeline_job.inputs)
    for name in pipeline_job.models:
        read = models.lake_tables(models.get(name).sql())
        assert read <= declared, (
            f"{pipeline_job.name}: model {name} reads {sorted(read - declared)}"
        )


def test_optional_inputs_are_inputs_and_outputs_are_lake_tables() -> None:
    for pipeline_job in JOBS:
        assert set(pipeline_job.optional_inputs) <= set(pipeline_job.inputs), pipeline_job.name
        for table in (*pipeline_job.inputs, *pipeline_job.outputs):
            assert table.split(".")[0] in ("bronze", "silver", "gold", "quarantine", "ops"), table


def test_the_code_version_follows_the_sql_and_the_job_version() -> None:
    base = JOBS[0]
    assert base.code_version() == base.code_version()
    bumped = Job(base.name, base.inputs, base.outputs, base.run, base.models, version="2")
    other_models = Job(base.name, base.inputs, base.outputs, base.run, ("stg_venues",))
    assert len({base.code_version(), bumped.code_version(), other_models.code_version()}) == 3


def test_render_swaps_only_the_named_lake_tables() -> None:
    sql = "SELECT * FROM bronze.a JOIN silver.b USING (k) WHERE x.bronze = 1"
    assert models.render(sql, {"bronze.a": "new_a"}) == (
        "SELECT * FROM new_a JOIN silver.b USING (k) WHERE x.bronze = 1"
    )
    assert models.lake_tables(sql) == {"bronze.a", "silver.b"}
