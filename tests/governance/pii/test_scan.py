"""A scan of the tiny messy world, scored against its truth; the CLI commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from greenroom.cli.governance import app
from greenroom.governance.pii.exceptions import PiiMinConfidenceError
from greenroom.governance.pii.scan import scan_lake
from greenroom.governance.pii.score import score
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


def test_scan_scores_full_recall_and_only_venue_addresses_wrong(messy_world: BuiltWorld) -> None:
    result = scan_lake(Lakehouse(messy_world.settings))
    found = {(f.table, f.column): f.kind for f in result.above(0.8)}
    assert found[("bronze.crm_customers", "email")] == "email"
    assert found[("silver.customers", "full_name")] == "person_name"
    assert found[("silver.ticket_sales", "customer_id")] == "customer_id"
    assert not any(t.startswith("gold.") for t, _ in found)
    scored = score(result, messy_world.world / "truth" / "pii.parquet", 0.8)
    by_kind = {k.kind: k for k in scored.kinds}
    for kind in ("email", "person_name", "date_of_birth", "customer_id"):
        assert (by_kind[kind].precision, by_kind[kind].recall) == (1.0, 1.0), by_kind[kind]
    assert by_kind["street_address"].wrong == (
        "ticketmaster_venues.address.line1",
        "venue_registry.street",
    )  # venues' addresses: street addresses by content, not personal data
    assert not by_kind["phone"].in_world and by_kind["phone"].precision is None
    assert scored.overall.recall == 1.0
    blind = score(result, messy_world.world / "truth" / "pii.parquet", 0.8, content_only=True)
    assert blind.overall.recall is not None and blind.overall.recall < 1.0  # birth dates


def test_cli_scan_tags_and_pii_score(
    messy_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENROOM_HOME", str(messy_world.settings.home))
    from greenroom.config import reset_settings

    reset_settings()
    runner = CliRunner()
    out = runner.invoke(
        app, ["pii-score", "--truth", str(messy_world.world / "truth" / "pii.parquet"), "--json"]
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["with_names"]["overall"]["recall"] == 1.0
    out = runner.invoke(app, ["scan", "--no-tag", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["tagged_tables"] == []
    bad = runner.invoke(app, ["scan", "--min-confidence", "2"])
    assert isinstance(bad.exception, PiiMinConfidenceError)
    assert "--min-confidence 2" in str(bad.exception)
