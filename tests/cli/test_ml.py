"""`greenroom ml models|rollback|drift` (the typer app of greenroom.cli.ml)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from greenroom.cli.ml import app
from greenroom.config import Settings
from greenroom.insights.exceptions import UnknownModelError, UnknownVersionError
from greenroom.insights.registry import ModelRegistry, Trained
from greenroom.lake import Lakehouse

pytestmark = pytest.mark.slow


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def registry(lake: Lakehouse, lake_settings: Settings) -> ModelRegistry:
    registry = ModelRegistry(lake, lake_settings)
    sample = pa.table({"price": [float(i) for i in range(100)]})
    for mae in (10.0, 12.0, 8.0):
        registry.register(
            Trained("forecast", {}, {"mae": mae}, "mae", "lower", ["price"], b"m", {}, sample)
        )
    return registry


def test_models_lists_versions_with_status_and_metric(registry: ModelRegistry) -> None:
    out = _json(["models", "--json"])
    rows = [dict(zip(out["columns"], r, strict=True)) for r in out["rows"]]
    assert [(r["version"], r["status"], r["value"]) for r in rows] == [
        (1, "retired", 10.0),
        (2, "candidate", 12.0),
        (3, "serving", 8.0),
    ]
    assert rows[0]["primary_metric"] == "mae"


def test_rollback_then_rollback_to(registry: ModelRegistry) -> None:
    assert _json(["rollback", "forecast", "--json"]) == {"model": "forecast", "serving": 1}
    assert _json(["rollback", "forecast", "--to", "2", "--json"])["serving"] == 2
    result = CliRunner().invoke(app, ["rollback", "forecast", "--to", "9"])
    assert isinstance(result.exception, UnknownVersionError)
    result = CliRunner().invoke(app, ["rollback", "nope"])
    assert isinstance(result.exception, UnknownModelError)
    assert "`forecast`" in str(result.exception)


def test_drift_from_a_parquet_file(registry: ModelRegistry, tmp_path: Path) -> None:
    current = tmp_path / "today.parquet"
    pq.write_table(pa.table({"price": [float(i) + 60 for i in range(100)]}), current)
    result = CliRunner().invoke(app, ["drift", "forecast", "--current", str(current), "--json"])
    assert result.exit_code == 1, result.output  # drift is a failing check, for schedulers
    out = json.loads(result.stdout)
    assert out["version"] == 3 and out["needs_retrain"] is True and out["alerts"] == ["price"]
    assert out["retrained"] is None
