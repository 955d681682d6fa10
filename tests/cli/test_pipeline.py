"""`greenroom pipeline run|status|history` (the typer app of greenroom.cli.pipeline)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from greenroom.cli.pipeline import app
from greenroom.config import reset_settings
from greenroom.pipeline.exceptions import PipelineError, PipelineFailedError
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture
def messy_home(messy_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch) -> BuiltWorld:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_world.settings.home))
    reset_settings()
    return messy_world


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_run_json_on_an_up_to_date_lake_skips_every_job(messy_home: BuiltWorld) -> None:
    out = _json(["run", "--json"])
    assert out["status"] == "succeeded" and out["full"] is False
    assert [j["job"] for j in out["jobs"]][:2] == ["artists", "venues"]
    assert {j["status"] for j in out["jobs"]} == {"skipped"}
    assert out["message"] == "0 ran, 9 up to date"
    history = _json(["history", "--json", "--limit", "1"])
    assert history["rows"][0][history["columns"].index("run_id")] == out["run_id"]
    jobs = _json(["history", "--run", out["run_id"], "--json"])
    assert len(jobs["rows"]) == 9
    assert "input_snapshots" in jobs["columns"]


def test_status_says_what_the_next_run_would_do(messy_home: BuiltWorld) -> None:
    rows = _json(["status", "--json"])["jobs"]
    assert {r["next_run"] for r in rows} == {"up to date"}
    sales = next(r for r in rows if r["job"] == "ticket_sales")
    assert sales["last_status"] in ("succeeded", "skipped")
    assert "bronze.stream_sales" in sales["inputs"] and "silver.ticket_sales" in sales["outputs"]


def test_an_unknown_run_is_a_clear_error(messy_home: BuiltWorld) -> None:
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
