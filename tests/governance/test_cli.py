"""`greenroom lineage TARGET [--json]`: the path back to bronze and the raw files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from greenroom.cli.lineage import lineage
from greenroom.config import reset_settings
from greenroom.governance.lineage import UnknownColumnError, UnknownRelationError
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

app = typer.Typer()
app.command()(lineage)


@pytest.fixture
def cli(messy_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_world.settings.home))
    reset_settings()
    return CliRunner()


def run_json(cli: CliRunner, target: str) -> dict[str, Any]:
    result = cli.invoke(app, [target, "--json"])
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_a_column_prints_as_a_tree_back_to_the_raw_files(cli: CliRunner) -> None:
    result = cli.invoke(app, ["silver.ticket_sales.unit_price"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "silver.ticket_sales.unit_price"
    assert "stg_sales.unit_price ← silver/ticket_sales.sql · identity" in lines[1]
    for source in (
        "bronze.box_office_sales.unit_price",
        "bronze.online_orders.unit_price",
        "bronze.stream_sales.unit_price",
        "ref_fx_rates.usd_per_unit",
    ):
        assert any(f"{source} ← staging/stg_sales.sql" in line for line in lines), source
    assert any("/raw/box_office_sales/" in line for line in lines)
    assert lines[-1].startswith("lineage from ")


def test_json_lists_nodes_and_edges_down_to_existing_raw_files(cli: CliRunner) -> None:
    payload = run_json(cli, "silver.ticket_sales.unit_price")
    nodes = {n["id"]: n for n in payload["nodes"]}
    edges = {(e["source"], e["target"]) for e in payload["edges"]}
    assert payload["target"] == "silver.ticket_sales.unit_price"
    assert ("stg_sales.unit_price", "silver.ticket_sales.unit_price") in edges
    assert ("bronze.box_office_sales.unit_price", "stg_sales.unit_price") in edges
    assert ("ref_fx_rates.usd_per_unit", "stg_sales.unit_price") in edges
    assert nodes["bronze.stream_sales.unit_price"]["kind"] == "bronze"
    raw = [n for n in payload["nodes"] if n["kind"] == "raw"]
    feeds = {Path(n["relation"]).parts[-3] for n in raw}
    assert feeds == {"box_office_sales", "online_orders", "stream_sales"}
    assert all(Path(n["relation"]).is_file() for n in raw)
    assert all(
        (n["id"], "bronze.box_office_sales") in edges for n in raw if "box_office" in n["id"]
    )


def test_a_table_alone_gives_table_lineage(cli: CliRunner) -> None:
    payload = run_json(cli, "silver.concerts")
    assert all(n["column"] is None for n in payload["nodes"])
    ids = {n["id"] for n in payload["nodes"]}
    assert {"stg_concerts", "silver.ticket_sales", "bronze.promoter_concerts"} <= ids
    assert {"bronze.ticketmaster_events", "bronze.box_office_sales"} <= ids


def test_an_unknown_column_is_one_line_naming_the_tables_columns(cli: CliRunner) -> None:
    result = cli.invoke(app, ["silver.concerts.revenu"])
    assert result.exit_code == 1
    error = result.exception
    assert isinstance(error, UnknownColumnError)
    message = str(error)
    assert "\n" not in message
    assert "`revenu`" in message and "`silver.concerts`" in message
    assert "revenue" in message and "total_attendance" in message


def test_an_unknown_table_names_the_tables_with_lineage(cli: CliRunner) -> None:
    result = cli.invoke(app, ["silver.concertz"])
    assert isinstance(result.exception, UnknownRelationError)
    assert "silver.concerts" in str(result.exception)
