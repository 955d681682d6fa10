"""The insights' gold tables, refreshed by the pipeline (`greenroom.insights.jobs`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pytest

from greenroom.compose import pipeline_jobs
from greenroom.config import Settings
from greenroom.governance.principals import Principal
from greenroom.governance.session import governed_session
from greenroom.insights.jobs import ANOMALIES, FORECAST, FORECAST_SCHEMA, GROWTH, MODEL, PERIOD
from greenroom.insights.train import train
from greenroom.insights.trends import trend_anomalies, trend_growth
from greenroom.lake import Lakehouse
from greenroom.pipeline import run_pipeline
from greenroom.pipeline.job import Job
from greenroom.pipeline.models.docs import table_docs
from greenroom.pipeline.result import RunResult

pytestmark = pytest.mark.slow

TABLES = (FORECAST, GROWTH, ANOMALIES)


@dataclass(frozen=True)
class Built:
    settings: Settings
    lake: Lakehouse
    untrained: RunResult
    first: RunResult
    second: RunResult


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A tiny messy world of its own: the pipeline with the insights' jobs, before and after
    the forecaster is trained, then once more with nothing changed."""
    from greenroom import synth
    from greenroom.demo import ingest_world

    root: Path = tmp_path_factory.mktemp("insights-jobs")
    settings = Settings(home=root / "home")
    manifest = synth.generate(root / "world", scale="tiny", seed=11, today=settings.today)
    lake = Lakehouse.open(settings, create=True)
    ingest_world(lake, settings, root / "world", manifest, lambda _s: None)
    untrained = run_pipeline(lake, settings, jobs=pipeline_jobs())
    assert untrained.ok, untrained.message
    assert train(lake, settings, MODEL).status == "serving"
    first = run_pipeline(lake, settings, jobs=pipeline_jobs())
    assert first.ok, first.message
    second = run_pipeline(lake, settings, jobs=pipeline_jobs())
    assert second.ok, second.message
    return Built(settings, lake, untrained, first, second)


def _job(run: RunResult, name: str) -> tuple[str, str, dict[str, int]]:
    (job,) = [j for j in run.jobs if j.job == name]
    return job.status, job.mode, dict(job.counts)


def _sql(lake: Lakehouse, query: str) -> pa.Table:
    with lake.session() as session:
        return session.sql(query)


def test_without_a_serving_forecaster_the_job_is_skipped_cleanly(built: Built) -> None:
    status, mode, counts = _job(built.untrained, "ticket_sales_forecast")
    assert (status, mode, counts) == ("succeeded", "unchanged", {"no_serving_forecaster": 1})
    assert _job(built.first, "ticket_sales_forecast")[:2] == ("succeeded", "full")


def test_one_forecast_per_scheduled_concert_with_ordered_intervals(built: Built) -> None:
    rows = _sql(built.lake, f"SELECT * FROM {FORECAST}")
    assert rows.schema.remove_metadata() == FORECAST_SCHEMA
    scheduled = _sql(
        built.lake, "SELECT concert_id FROM silver.concerts WHERE status = 'scheduled'"
    )
    ids = rows.column("concert_id").to_pylist()
    assert sorted(ids) == sorted(scheduled.column(0).to_pylist()) and ids
    for r in rows.to_pylist():
        assert 0 <= r["lower_95"] <= r["lower_80"] <= r["predicted_value"]
        assert r["predicted_value"] <= r["upper_80"] <= r["upper_95"]
        assert 0 <= r["confidence_score"] <= 1
        assert r["low_confidence"] == (r["confidence_score"] < 0.70)
        assert r["actual_value"] is None and r["model_version"] == 1
        assert r["prediction_date"] == built.settings.today


def test_sold_so_far_is_the_sales_in_silver(built: Built) -> None:
    mismatched = _sql(
        built.lake,
        f"""SELECT f.concert_id FROM {FORECAST} f
        LEFT JOIN (SELECT concert_id, SUM(quantity)::DOUBLE AS n FROM silver.ticket_sales
                   GROUP BY concert_id) s USING (concert_id)
        WHERE f.sold_so_far <> coalesce(s.n, 0)""",
    )
    assert mismatched.num_rows == 0
    assert _sql(built.lake, f"SELECT sum(sold_so_far) FROM {FORECAST}").column(0)[0].as_py() > 0


def test_a_second_run_without_changes_commits_nothing(built: Built) -> None:
    for name in ("ticket_sales_forecast", "trend_growth", "trend_anomalies"):
        status, mode, _ = _job(built.second, name)
        assert status == "skipped" or mode == "unchanged", name
    before = {j.job: j.output_snapshots for j in built.first.jobs}
    after = {j.job: j.output_snapshots for j in built.second.jobs}
    for name, table in zip(
        ("ticket_sales_forecast", "trend_growth", "trend_anomalies"), TABLES, strict=True
    ):
        assert after[name][table] == before[name][table]


def test_a_rerun_keeps_the_forecasts_and_writes_nothing_when_they_are_the_same(
    built: Built,
) -> None:
    """Forced to run again (`--full` aside, a recomputation): same rows, no new snapshot."""
    from greenroom.insights.jobs import TICKET_SALES_FORECAST

    before = built.lake.load_table(FORECAST).metadata.current_snapshot_id
    bumped = [j if j is not TICKET_SALES_FORECAST else _bumped(j) for j in pipeline_jobs()]
    run = run_pipeline(built.lake, built.settings, jobs=bumped)
    assert run.ok and _job(run, "ticket_sales_forecast")[0] == "succeeded"
    assert built.lake.load_table(FORECAST).metadata.current_snapshot_id == before


def _bumped(job: Job) -> Job:
    return replace(job, version="test-rerun")


def test_a_venue_partner_reads_only_its_venues_forecasts(built: Built) -> None:
    venues = _sql(built.lake, f"SELECT DISTINCT venue_id FROM {FORECAST} ORDER BY 1 LIMIT 2")
    own = {str(v) for v in venues.column(0).to_pylist()}
    partner = Principal("p-forecast", ("venue_partner",), {"venue_ids": ",".join(sorted(own))})
    with governed_session(built.lake, partner) as session:
        got = session.sql(f"SELECT venue_id, concert_id FROM {FORECAST}")
    everything = _sql(built.lake, f"SELECT venue_id FROM {FORECAST}").column(0).to_pylist()
    assert {str(v) for v in got.column("venue_id").to_pylist()} == own
    assert got.num_rows == sum(v in own for v in everything) < len(everything)


def test_trend_tables_are_trend_growth_and_anomalies(built: Built) -> None:
    today = built.settings.today
    with built.lake.session() as session:
        growth = trend_growth(session, PERIOD, today=today)
        anomalies = trend_anomalies(session, PERIOD, today=today)
        stored_growth = session.sql(f"SELECT * EXCLUDE (calculated_at) FROM {GROWTH}")
        stored_anomalies = session.sql(f"SELECT * EXCLUDE (calculated_at) FROM {ANOMALIES}")
    assert growth.num_rows > 0
    assert stored_growth.to_pylist() == growth.to_pylist()
    assert stored_anomalies.to_pylist() == anomalies.to_pylist()


@pytest.mark.parametrize("table", TABLES)
def test_every_column_is_described(built: Built, table: str) -> None:
    docs = table_docs(table)
    assert docs is not None and docs.description
    columns = [f.name for f in built.lake.schema(table)]
    assert sorted(docs.columns) == sorted(columns)
    assert all(f.metadata and b"doc" in f.metadata for f in built.lake.schema(table))
