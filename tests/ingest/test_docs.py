"""Bronze and quarantine columns carry their descriptions in the Iceberg schema."""

from __future__ import annotations

import pytest

from greenroom.ingest.docs import LINEAGE_DOCS, QUARANTINE_DOCS, purpose
from greenroom.ingest.feeds import FEEDS
from greenroom.lake import Lakehouse
from greenroom.quality.contract import load_contract
from tests.conftest import BuiltWorld


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_every_contract_property_is_described(feed: str) -> None:
    contract = load_contract(feed)
    assert [p.name for p in contract.table.properties if not (p.description or "").strip()] == []
    assert purpose(contract)


def _docs(lake: Lakehouse, table: str) -> dict[str, str]:
    return {
        f.name: f.metadata[b"doc"].decode()
        for f in lake.schema(table)
        if f.metadata and b"doc" in f.metadata
    }


@pytest.mark.slow
def test_bronze_columns_carry_the_contracts_descriptions(messy_world: BuiltWorld) -> None:
    lake = Lakehouse.open(messy_world.settings)
    for feed in sorted(FEEDS):
        contract = load_contract(feed)
        table = f"bronze.{feed}"
        described = {p.name: p.description for p in contract.table.properties}
        expected = {c: described.get(c) or LINEAGE_DOCS[c] for c in lake.schema(table).names}
        assert _docs(lake, table) == expected, feed  # every column, lineage ones too
        assert lake.load_table(table).properties["comment"] == purpose(contract)
        quarantine = f"quarantine.{feed}"
        if lake.exists(quarantine):
            names = lake.schema(quarantine).names
            assert _docs(lake, quarantine) == {c: QUARANTINE_DOCS[c] for c in names}
