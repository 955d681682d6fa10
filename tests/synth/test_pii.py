"""``truth/pii.parquet``: each feed's declared personal fields, counted from what was written."""

from __future__ import annotations

import importlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from greenroom.synth import generate
from greenroom.synth.feeds import FEED_NAMES
from greenroom.synth.feeds.base import PII_KINDS
from tests.synth.readers import read_feed

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    ("box_office_sales", "customer_ref", "customer_id"),
    ("crm_customers", "birth_date", "date_of_birth"),
    ("crm_customers", "customer_id", "customer_id"),
    ("crm_customers", "email", "email"),
    ("crm_customers", "first_name", "person_name"),
    ("crm_customers", "last_name", "person_name"),
    ("online_orders", "customer_id", "customer_id"),
    ("stream_sales", "customer_id", "customer_id"),
}
WITHOUT_PII = {
    "musicbrainz_artists",
    "spotify_artists",
    "venue_registry",
    "ticketmaster_venues",
    "promoter_concerts",
    "ticketmaster_events",
}


def _pii(world: Path) -> list[dict[str, object]]:
    return pq.read_table(world / "truth" / "pii.parquet").to_pylist()


def test_rows_are_the_feed_modules_declarations(world: Path) -> None:
    rows = _pii(world)
    assert {(r["source"], r["field"], r["kind"]) for r in rows} == EXPECTED
    declared = {
        (feed, field, kind)
        for feed in FEED_NAMES
        for field, kind in getattr(
            importlib.import_module(f"greenroom.synth.feeds.{feed}"), "PII", {}
        ).items()
    }
    assert declared == EXPECTED
    assert [(r["source"], r["field"]) for r in rows] == sorted(
        (str(r["source"]), str(r["field"])) for r in rows
    )


def test_kinds_are_the_closed_set(messy_world: Path) -> None:
    assert {r["kind"] for r in _pii(messy_world)} <= set(PII_KINDS)
    assert "customer_id" in PII_KINDS and len(PII_KINDS) == 9


def test_feeds_without_personal_data_have_no_rows(world: Path) -> None:
    sources = {r["source"] for r in _pii(world)}
    assert not sources & WITHOUT_PII
    assert sources | WITHOUT_PII == set(FEED_NAMES)


@pytest.mark.parametrize("which", ["world", "messy_world", "clean_world"])
def test_records_count_non_empty_values_as_delivered(
    which: str, request: pytest.FixtureRequest
) -> None:
    world: Path = request.getfixturevalue(which)
    for row in _pii(world):
        feed, field = str(row["source"]), str(row["field"])
        records = read_feed(world, feed)
        assert any(field in rec for rec in records), f"{feed}.{field} never delivered"
        assert row["records"] == sum(1 for rec in records if rec.get(field)), (feed, field)


def test_defects_are_counted_honestly(messy_world: Path, clean_world: Path) -> None:
    """Blanked fields lower the count; replayed lines raise it (they are delivered twice)."""
    messy = {(r["source"], r["field"]): r["records"] for r in _pii(messy_world)}
    assert messy[("crm_customers", "email")] < len(read_feed(messy_world, "crm_customers"))
    orders = read_feed(messy_world, "online_orders")
    distinct = {r["order_id"] for r in orders if r.get("customer_id")}
    assert messy[("online_orders", "customer_id")] > len(distinct)
    clean = {(r["source"], r["field"]): r["records"] for r in _pii(clean_world)}
    for (feed, _field), count in clean.items():
        assert count == len(read_feed(clean_world, feed))


def test_fields_are_the_contract_property_names(world: Path) -> None:
    for row in _pii(world):
        contract = yaml.safe_load(
            (ROOT / "greenroom" / "quality" / "contracts" / f"{row['source']}.yaml").read_text()
        )
        names = {p["name"] for s in contract["schema"] for p in s["properties"]}
        assert row["field"] in names, row


def test_same_seed_same_file(world: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, "tiny")
    first = (world / "truth" / "pii.parquet").read_bytes()
    assert (again / "truth" / "pii.parquet").read_bytes() == first
