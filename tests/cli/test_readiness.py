"""`greenroom readiness [--json]`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from greenroom.cli.main import app
from greenroom.config import reset_settings
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld


@pytest.mark.slow
def test_readiness_json_and_table(messy_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_world.settings.home))
    monkeypatch.setenv("COLUMNS", "160")
    reset_settings()
    result = CliRunner().invoke(app, ["readiness", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    feeds = {t["feed"]: t for t in out["tables"] if t["layer"] == "feed"}
    validity = feeds["box_office_sales"]["dimensions"]["validity"]
    assert validity["evidence"]["quarantined"] == validity["evidence"]["quarantine_rows"] > 0
    assert out["cluster"]["entity_type"] == "artist"
    assert out["journey"]["gold"]["sales_daily"] is not None
    text = CliRunner().invoke(app, ["readiness"])
    assert text.exit_code == 0, text.output
    assert "box_office_sales" in text.stdout and "silver.ticket_sales" in text.stdout
    assert "personal data: the share of a table's pii-tagged columns" in text.stdout
    personal = out["tables"][0]["dimensions"]["personal_data"]
    assert personal["score"] is None and "greenroom governance scan --tag" in personal["note"]


def test_readiness_on_an_empty_lake_is_one_line(
    lake: Lakehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    from greenroom.cli.main import main

    with pytest.raises(SystemExit) as exit_:
        main(["readiness"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run `greenroom demo` first" in err
