"""Errors a user can cause print one clear line and exit 1 — never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from greenroom.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


def test_help_lists_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "greenroom", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("demo", "synth", "lake", "query"):
        assert command in done.stdout


def test_unknown_scale(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["demo", "--scale", "huge"], capsys)
    assert_one_line_error(code, err, "huge", "tiny")


def test_unknown_scale_in_synth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["synth", "generate", "--scale", "sf3", "--out", str(tmp_path / "w")], capsys
    )
    assert_one_line_error(code, err, "sf3")


def test_bad_defect_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["synth", "generate", "--out", str(tmp_path / "w"), "--defect-rate", "typo"], capsys
    )
    assert_one_line_error(code, err, "KIND=RATE")


def test_missing_home(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["lake", "tables"], capsys)
    assert_one_line_error(code, err, "greenroom demo")


def test_home_that_cannot_be_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GREENROOM_HOME", str(blocker / "home"))
    from greenroom.config import reset_settings

    reset_settings()
    code, _, err = run(["demo", "--scale", "tiny"], capsys)
    assert_one_line_error(code, err, str(blocker))


def test_home_from_an_incompatible_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    from greenroom.lake import Lakehouse

    Lakehouse.open(create=True)
    marker = home / "greenroom-home.json"
    data = json.loads(marker.read_text())
    data["layout"] = 999
    marker.write_text(json.dumps(data))
    code, _, err = run(["lake", "tables"], capsys)
    assert_one_line_error(code, err, "999")


@pytest.mark.slow
def test_bad_sql_and_unknown_table(capsys: pytest.CaptureFixture[str]) -> None:
    from greenroom.lake import Lakehouse

    Lakehouse.open(create=True)
    code, _, err = run(["query", "SELEC nonsense"], capsys)
    assert_one_line_error(code, err)
    code, _, err = run(["query", "SELECT * FROM silver.nope"], capsys)
    assert_one_line_error(code, err, "silver.nope", "greenroom lake tables")
    code, _, err = run(["query", "DROP TABLE silver.concerts"], capsys)
    assert_one_line_error(code, err)
    code, _, err = run(["lake", "snapshots", "gold.nope"], capsys)
    assert_one_line_error(code, err, "gold.nope")


def test_bad_today_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from greenroom.config import reset_settings

    monkeypatch.setenv("GREENROOM_TODAY", "next tuesday")
    reset_settings()
    code, _, err = run(["lake", "tables"], capsys)
    assert_one_line_error(code, err, "GREENROOM_TODAY")


def test_ingest_file_unknown_feed_and_missing_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    code, _, err = run(["ingest", "file", str(path), "--source", "nope"], capsys)
    assert_one_line_error(code, err, "nope", "venue_registry")
    code, _, err = run(
        ["ingest", "file", str(tmp_path / "missing.csv"), "--source", "venue_registry"], capsys
    )
    assert_one_line_error(code, err, "missing.csv")


@pytest.mark.slow
def test_ingest_file_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "venues.csv"
    path.write_text(
        "registry_id,venue_name,street,city,region,country,latitude,longitude,capacity,venue_type,amenities,opened\n"
        "VR-1,Hall,1 Road,Bern,BE,Switzerland,46.9,7.4,800,club,bar,2001-02-03\n"
        "VR-2,,2 Road,Bern,BE,Switzerland,46.9,7.4,800,club,bar,2001-02-03\n"
    )
    code, out, _ = run(
        ["ingest", "file", str(path), "--source", "venue_registry", "--json"], capsys
    )
    assert code == 0
    result = json.loads(out)
    for key in ("batch_id", "received", "accepted", "quarantined", "snapshot_id", "seconds"):
        assert key in result
    assert (result["received"], result["accepted"], result["quarantined"]) == (2, 1, 1)
