"""`greenroom pipeline run|status|history` (the typer app of greenroom.cli.pipeline)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from greenroom.cli.pipeline import app
from greenroom.config import reset_settings
from greenroom.pipeline.exceptions import PipelineError, PipelineFailedError
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def messy_copy(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the messy lake: `pipeline run` adds the insights' tables, which the shared
    lake (built with the pipeline's own jobs) must not get."""
    from greenroom.compose import pipeline_jobs
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse
    from greenroom.pipeline import run_pipeline

    home = tmp_path_factory.mktemp("cli-pipeline") / "home"
    shutil.copytree(messy_world.settings.home, home)
    settings = Settings(home=home)
    first = run_pipeline(Lakehouse.open(settings), settings, jobs=pipeline_jobs())
    ran = {j.job: j.mode for j in first.jobs if j.status == "succeeded"}
    assert ran == {"ticket_sales_forecast": "unchanged", "trend_growth": "full",
                   "trend_anomalies": "full"}  # fmt: skip
    return home


@pytest.fixture
def messy_home(messy_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_copy))
    reset_settings()
    return messy_copy


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_run_json_on_an_up_to_date_lake_skips_every_job(messy_home: Path) -> None:
    out = _json(["run", "--json"])
    assert out["status"] == "succeeded" and out["full"] is False
    assert [j["job"] for j in out["jobs"]][:2] == ["artists", "venues"]
    assert {j["status"] for j in out["jobs"]} == {"skipped"}
    assert out["message"] == "0 ran, 12 up to date"
    history = _json(["history", "--json", "--limit", "1"])
    assert history["rows"][0][history["columns"].index("run_id")] == out["run_id"]
    jobs = _json(["history", "--run", out["run_id"], "--json"])
    assert len(jobs["rows"]) == 12
    assert "input_snapshots" in jobs["columns"]


def test_status_says_what_the_next_run_would_do(messy_home: Path) -> None:
    rows = _json(["status", "--json"])["jobs"]
    assert {r["next_run"] for r in rows} == {"up to date"}
    sales = next(r for r in rows if r["job"] == "ticket_sales")
    assert sales["last_status"] in ("succeeded", "skipped")
    assert "bronze.stream_sales" in sales["inputs"] and "silver.ticket_sales" in sales["outputs"]


def test_an_unknown_run_is_a_clear_error(messy_home: Path) -> None:
    result = CliRunner().invoke(app, ["history", "--run", "run-nope"])
    assert isinstance(result.exception, PipelineError)
    assert str(result.exception) == (
        "run `run-nope` is not recorded; `greenroom pipeline history` lists the runs"
    )


def test_a_run_with_failed_jobs_ends_in_an_error(tmp_path: object) -> None:
    result = CliRunner().invoke(app, ["run"])  # an empty lake: no bronze tables yet
    assert isinstance(result.exception, PipelineFailedError)
    message = str(result.exception)
    assert "failed: `artists` (MissingInputError: job `artists` needs table" in message
    status = _json(["status", "--json"])["jobs"]
    assert status[0]["last_status"] == "failed" and status[0]["reason"] == "never ran"
