"""Human tables fit an 80-column terminal without cutting names; `--json` keeps everything."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from greenroom.cli._output import print_rows
from greenroom.cli.main import main
from greenroom.config import reset_settings
from tests.conftest import BuiltWorld

WHEN = dt.datetime(2026, 6, 30, 12, 1, 2, 345678, tzinfo=dt.UTC)
NAMES = ["quarantine.ticketmaster_events", "bronze.box_office_sales", "ops.entity_match_pairs"]
COLUMNS = ["table", "rows", "snapshot_id", "data_files", "size_bytes", "last_updated"]
ROWS = [[n, 202_801, 4161512028033456153, 4, 73_449_123, WHEN] for n in NAMES]


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def assert_fits(out: str, width: int = 80) -> None:
    assert out.strip()
    for line in out.splitlines():
        assert len(line) <= width, line


def test_names_stay_whole_and_lines_fit(narrow: None, capsys: pytest.CaptureFixture[str]) -> None:
    print_rows(COLUMNS, ROWS, title="lakehouse tables", optional=("data_files", "size_bytes"))
    out = capsys.readouterr().out
    assert_fits(out)
    for name in NAMES:
        assert f"│ {name} " in out
    assert "202,801" in out
    assert "2026-06-30 12:01:02" in out and ".345678" not in out
    assert "4161512028033456153" not in out and "4161…56153" in out


def test_wide_terminal_keeps_full_ids(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    print_rows(COLUMNS, ROWS)
    out = capsys.readouterr().out
    assert "4161512028033456153" in out and "73,449,123" in out
    assert "hidden" not in out


def test_prose_wraps_between_words_and_optional_columns_give_way(
    narrow: None, capsys: pytest.CaptureFixture[str]
) -> None:
    columns = ["job", "next_run", "reason", "last_status", "last_finished_at", "last_rows_out"]
    rows = [
        ["artist_performance", "runs", "input `bronze.box_office_sales` changed", "succeeded",
         WHEN, 1_234_567],
    ]  # fmt: skip
    print_rows(columns, rows, optional=("last_rows_out", "last_finished_at"))
    out = capsys.readouterr().out
    assert_fits(out)
    assert "artist_performance" in out and "succeeded" in out
    assert "`bronze.box_office_sales`" in out
    assert "hidden at this width; --json has every column" in out


def test_too_narrow_for_anything_still_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    print_rows(COLUMNS, ROWS)
    assert_fits(capsys.readouterr().out, 30)


@pytest.fixture
def messy_home(messy_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch) -> BuiltWorld:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_world.settings.home))
    monkeypatch.setenv("COLUMNS", "80")
    reset_settings()
    return messy_world


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_info.value.code in (0, None), err
    return out


@pytest.mark.slow
def test_lake_tables_at_80_columns(
    messy_home: BuiltWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = json.loads(run(["lake", "tables", "--json"], capsys))
    names = [row[0] for row in listed["rows"]]
    assert max(len(n) for n in names) >= 25  # e.g. quarantine.box_office_sales
    snapshot = listed["rows"][0][listed["columns"].index("snapshot_id")]
    assert isinstance(snapshot, int) and snapshot > 10**12
    out = run(["lake", "tables"], capsys)
    assert_fits(out)
    for name in names:
        assert f"│ {name} " in out, name


@pytest.mark.slow
def test_pipeline_history_at_80_columns(
    messy_home: BuiltWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    history = json.loads(run(["pipeline", "history", "--json"], capsys))
    row = dict(zip(history["columns"], history["rows"][0], strict=True))
    assert row["run_id"].startswith("run-") and len(row["run_id"]) > 20
    started = dt.datetime.fromisoformat(row["started_at"])
    assert started.isoformat() == row["started_at"]  # --json keeps full precision
    out = run(["pipeline", "history"], capsys)
    assert_fits(out)
    assert f"{started:%Y-%m-%d %H:%M:%S}" in out
    run_line = next(line for line in out.splitlines() if row["run_id"][-5:] in line)
    assert row["status"] in run_line  # one row: the id and the time did not wrap
    jobs = run(["pipeline", "history", "--run", row["run_id"]], capsys)
    assert_fits(jobs)
    assert "artist_performance" in jobs


def test_columns_sharing_a_name_keep_their_own_values(capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa

    from greenroom.cli._output import print_table
    from greenroom.lake.jsonable import table_to_json

    table = pa.Table.from_arrays([pa.array(["Ada"]), pa.array(["Rome Hall"])], ["name", "name"])
    assert table_to_json(table) == {"columns": ["name", "name"], "rows": [["Ada", "Rome Hall"]]}
    print_table(table)
    out = capsys.readouterr().out
    assert "Ada" in out and "Rome Hall" in out
