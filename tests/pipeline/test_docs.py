"""Column descriptions declared beside each model (`models/<layer>/<name>.yaml`) and written
into the Iceberg schema when a job writes the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot

from greenroom.lake import Lakehouse
from greenroom.pipeline import models, run_pipeline
from greenroom.pipeline.jobs import JOBS
from greenroom.pipeline.jobs._tables import XREF, XREF_SCHEMA
from greenroom.pipeline.models.docs import table_docs
from tests.conftest import BuiltWorld

TABLE_MODELS = [m for m in models.MODELS if m.materialized == "table"]
DESCRIBED = [*(m.name for m in TABLE_MODELS), XREF]
"""Every silver and gold table: the table models, and the crosswalk jobs write from Python."""


def output_columns(sql: str) -> list[str]:
    """The columns a model's final SELECT gives."""
    return list(sqlglot.parse_one(sql, read="duckdb").named_selects)


def undocumented(table: str, columns: list[str]) -> list[str]:
    docs = table_docs(table)
    return [c for c in columns if docs is None or not docs.columns.get(c)]


def _columns(table: str) -> list[str]:
    if table == XREF:
        return XREF_SCHEMA.names
    return output_columns(models.get(table).sql())


@pytest.mark.parametrize("table", DESCRIBED)
def test_every_output_column_of_every_silver_and_gold_table_is_described(table: str) -> None:
    """A new column must come with its description; a dropped one must lose it."""
    docs = table_docs(table)
    assert docs is not None, f"declare greenroom/pipeline/models/{table.replace('.', '/')}.yaml"
    columns = _columns(table)
    assert undocumented(table, columns) == []
    assert sorted(docs.columns) == sorted(columns), "a described column the table does not have"
    assert docs.description


def test_the_walk_catches_an_undocumented_column() -> None:
    sql = (
        models.get("gold.sales_daily")
        .sql()
        .replace("AS calculated_at", "AS calculated_at,\n    1 AS brand_new")
    )
    assert output_columns(sql)[-1] == "brand_new"
    assert undocumented("gold.sales_daily", output_columns(sql)) == ["brand_new"]


def test_every_model_table_is_written_by_a_job() -> None:
    """So every declared description reaches the lake (a job's write applies them)."""
    written = {t for job in JOBS for t in job.outputs}
    assert set(DESCRIBED) <= written


def test_a_changed_description_changes_the_jobs_code_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A job whose table's docs changed reruns (and its write applies them)."""
    from greenroom.pipeline import job as job_module

    (gold,) = [j for j in JOBS if j.outputs == ("gold.sales_daily",)]
    before = gold.code_version()
    monkeypatch.setattr(job_module, "docs_text", lambda table: f"changed {table}")
    assert gold.code_version() != before


def _field_docs(lake: Lakehouse, table: str) -> dict[str, str]:
    return {
        f.name: f.metadata[b"doc"].decode()
        for f in lake.schema(table)
        if f.metadata and b"doc" in f.metadata
    }


@pytest.mark.slow
def test_the_lake_carries_every_declared_description(clean_world: BuiltWorld) -> None:
    lake = Lakehouse.open(clean_world.settings)
    for table in DESCRIBED:
        docs = table_docs(table)
        assert docs is not None
        assert _field_docs(lake, table) == dict(docs.columns), table
        assert lake.schema(table).names == _columns(table)
        assert lake.load_table(table).properties["comment"] == docs.description


@pytest.mark.slow
def test_a_second_run_commits_no_schema_change(tmp_path: Path) -> None:
    """Even a `--full` rerun, which writes every table again, leaves the schemas alone."""
    from tests.conftest import _build_world

    world = _build_world(tmp_path, clean=True)
    lake = Lakehouse.open(world.settings)

    def schemas() -> dict[str, tuple[int, int]]:
        out = {}
        for table in DESCRIBED:
            meta = lake.load_table(table).metadata
            out[table] = (meta.current_schema_id, len(meta.schemas))
        return out

    before = schemas()
    assert all(n <= 2 for _, n in before.values())  # created, then described once
    assert run_pipeline(lake, world.settings, full=True).ok
    assert schemas() == before


@pytest.mark.slow
def test_greenroom_query_describe_is_unaffected(clean_world: BuiltWorld) -> None:
    env = {**os.environ, "GREENROOM_HOME": str(clean_world.settings.home)}
    done = subprocess.run(
        [sys.executable, "-m", "greenroom", "query", "DESCRIBE silver.artists", "--json"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["columns"][:2] == ["column_name", "column_type"]
    rows = {r[0]: r[1] for r in out["rows"]}
    assert list(rows) == _columns("silver.artists")
    assert rows["genres"] == "VARCHAR[]" and rows["popularity_score"] == "DOUBLE"
