"""The operations views equal what the lake holds and what the CLI's functions say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from greenroom.governance.lineage import UnknownColumnError, UnknownRelationError
from greenroom.governance.session import GovernedSession, governed_session
from greenroom.lake import Lakehouse
from greenroom.pipeline.status import run_jobs
from greenroom.quality.monitor import NoMetricsError, quality_report
from greenroom.web.queries import (
    Pagination,
    PipelineRunNotFoundError,
    column_lineage,
    freshness,
    ingestion_batches,
    pipeline_run,
    pipeline_runs,
    quality,
    quarantine,
    tables,
)
from greenroom.web.queries.ops import MAX_TEXT
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(messy_world: BuiltWorld) -> Lakehouse:
    return Lakehouse.open(messy_world.settings)


@pytest.fixture(scope="module")
def reader(built: Lakehouse) -> Iterator[GovernedSession]:
    with governed_session(built) as session:
        yield session


def _count(reader: GovernedSession, table: str) -> int:
    return int(reader.sql(f"SELECT count(*) FROM {table}").column(0)[0].as_py())


def test_tables_list_every_table_with_its_snapshots(built: Lakehouse) -> None:
    rows = tables(built)
    assert [r.name for r in rows] == [t.name for t in built.list_tables()]
    concerts = next(r for r in rows if r.name == "silver.concerts")
    assert concerts.namespace == "silver" and concerts.rows > 0 and concerts.size_bytes > 0
    assert concerts.snapshots[0].snapshot_id == concerts.snapshot_id  # newest first
    assert concerts.snapshots[0].total_records == concerts.rows
    assert concerts.snapshot_count == len(built.snapshots("silver.concerts"))
    assert all(len(r.snapshots) <= 1 for r in tables(built, "gold", max_snapshots=1))


def test_ingestion_batches_page_through_every_batch(
    built: Lakehouse, reader: GovernedSession
) -> None:
    total = _count(reader, "ops.ingestion_batches")
    first = ingestion_batches(reader, Pagination(limit=3))
    second = ingestion_batches(reader, Pagination(limit=3, offset=3))
    assert first.total == second.total == total and len(first.items) == min(3, total)
    assert not {b.batch_id for b in first.items} & {b.batch_id for b in second.items}
    every = ingestion_batches(reader, Pagination(limit=500)).items
    assert len(every) == total
    for b in every:
        assert b.received == b.accepted + b.quarantined
        assert b.status == ("ok" if b.quarantined == 0 else "partial" if b.accepted else "rejected")
        assert b.started_at is not None and b.finished_at is not None
        assert b.finished_at >= b.started_at
    starts = [b.started_at for b in every]
    assert starts == sorted(starts, reverse=True)


def test_quarantine_counts_equal_each_quarantine_table(
    built: Lakehouse, reader: GovernedSession
) -> None:
    view = quarantine(reader, sample=2)
    counted = {t.table: t.records for t in view.tables}
    stored = {
        t.name: _count(reader, t.name)
        for t in built.list_tables("quarantine")
        if _count(reader, t.name) > 0
    }
    assert counted == stored and stored
    assert view.records == sum(stored.values())
    for table in view.tables:
        per_rule = {
            r["rule"]: r["n"]
            for r in reader.sql(
                f"SELECT rule, count(*) AS n FROM (SELECT unnest(reasons) AS rule FROM {table.table}) "
                "GROUP BY rule"
            ).to_pylist()
        }
        assert {r.rule: r.records for r in table.reasons} == per_rule
        for reason in table.reasons:
            assert 0 < len(reason.samples) <= 2
            for sample in reason.samples:
                assert reason.rule in sample.reasons and sample.record
                assert all(len(v) <= MAX_TEXT for v in sample.record.values() if isinstance(v, str))
    assert all(not r.samples for t in quarantine(reader, sample=0).tables for r in t.reasons)


def test_pipeline_runs_and_one_runs_jobs(built: Lakehouse, reader: GovernedSession) -> None:
    runs = pipeline_runs(reader, Pagination(limit=500))
    assert runs.total == _count(reader, "ops.pipeline_runs") == len(runs.items) > 0
    run = runs.items[0]
    detail = pipeline_run(reader, run.run_id)
    assert detail.run == run
    assert [j.job for j in detail.jobs] == run_jobs(built, run.run_id).column("job").to_pylist()
    assert sum(1 for j in detail.jobs if j.status == "succeeded") == run.jobs_succeeded
    with pytest.raises(PipelineRunNotFoundError) as err:
        pipeline_run(reader, "run-nope")
    assert err.value.code == "pipeline_run_not_found" and "`run-nope`" in str(err.value)


def test_quality_is_the_monitors_latest_report(demo_world: BuiltWorld) -> None:
    built = Lakehouse.open(demo_world.settings)  # the demo runs the quality monitor
    view = quality(built)
    reports = quality_report(built)
    assert view.run_id == reports[0].run_id
    assert [t.table for t in view.tables] == [r.table for r in reports]
    assert view.errors == sum(r.errors for r in reports) and view.tables
    silver = next(t for t in view.tables if t.table == "silver.concerts")
    rows = next(m.value for m in silver.metrics if m.metric == "row_count" and m.column is None)
    assert rows == next(r for r in reports if r.table == "silver.concerts").value("row_count")
    with pytest.raises(NoMetricsError):
        quality(built, "run-never-measured")


def test_column_lineage_goes_back_to_bronze_and_raw_files(built: Lakehouse) -> None:
    view = column_lineage(built, "silver.concerts", "revenue")
    ids = {n.id for n in view.nodes}
    assert view.target == "silver.concerts.revenue"
    assert "silver.ticket_sales.quantity" in ids
    assert {n.kind for n in view.nodes} >= {"lake", "bronze", "raw"}
    assert all(e.source in ids and e.target in ids for e in view.edges)
    with pytest.raises(UnknownColumnError) as err:
        column_lineage(built, "silver.concerts", "nope")
    assert err.value.code == "lineage_column_not_found"
    with pytest.raises(UnknownRelationError):
        column_lineage(built, "silver.nope", "x")


def test_freshness_is_hours_since_each_tables_last_update(built: Lakehouse) -> None:
    infos = {t.name: t.last_updated for t in built.list_tables()}
    now = max(t for t in infos.values() if t is not None) + dt.timedelta(hours=3)
    rows = freshness(built, now)
    assert {r.table for r in rows} == set(infos)
    for r in rows:
        assert r.last_updated == infos[r.table]
        if r.last_updated is not None:
            assert r.hours_since == pytest.approx((now - r.last_updated).total_seconds() / 3600)
    assert min(r.hours_since for r in rows if r.hours_since is not None) == pytest.approx(3)


def test_a_fresh_lake_has_empty_views(lake: Lakehouse) -> None:
    with governed_session(lake) as reader:
        assert ingestion_batches(reader).total == 0
        assert pipeline_runs(reader).items == []
        assert quarantine(reader).tables == []
        with pytest.raises(PipelineRunNotFoundError):
            pipeline_run(reader, "run-1")
    assert quality(lake).tables == [] and quality(lake).run_id is None
    assert tables(lake) == []
