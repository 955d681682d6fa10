"""The contract compiler and validator on small hand-made batches."""

from __future__ import annotations

import pyarrow as pa
import pytest

from greenroom.ingest.feeds import FEEDS
from greenroom.ingest.formats.json_document import records_to_arrow
from greenroom.lake import Lakehouse
from greenroom.quality.compiler import compile_contract
from greenroom.quality.contract import load_contract, parse_contract
from greenroom.quality.exceptions import ContractError
from greenroom.quality.validator import ContractChecker, validate, validate_data_quality


def sale(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "transaction_id": "T1",
        "event_ref": "PRM-000001",
        "tier": "GA",
        "qty": "2",
        "unit_price": "45.00",
        "currency": "USD",
        "purchased_at": "2025-01-02 10:11:12",
        "customer_ref": "C1",
        "customer_segment": "fan",
    }
    row.update(overrides)
    return row


def test_every_feed_has_a_contract_that_compiles() -> None:
    for feed in FEEDS:
        compiled = compile_contract(load_contract(feed))
        assert compiled.rules, feed
        assert all(r.id.startswith(f"{feed}.") for r in compiled.rules)


def test_a_valid_record_passes() -> None:
    result = validate_data_quality(sale(), "box_office_sales")
    assert result.valid
    assert result.accepted.num_rows == 1
    assert result.accepted.column("_warnings").to_pylist() == [[]]


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"qty": None}, "box_office_sales.qty.required"),
        ({"qty": "0"}, "box_office_sales.qty.range"),
        ({"qty": "two"}, "box_office_sales.qty.type"),
        ({"unit_price": "-45.00"}, "box_office_sales.unit_price.range"),
        ({"unit_price": "0"}, "box_office_sales.unit_price.range"),
        ({"purchased_at": "2025-02-30 10:00"}, "box_office_sales.purchased_at.type"),
        ({"purchased_at": "TBD"}, "box_office_sales.purchased_at.type"),
        ({"purchased_at": "   "}, "box_office_sales.purchased_at.required"),
        ({"currency": "euro"}, "box_office_sales.currency.pattern"),
        ({"event_ref": ""}, "box_office_sales.event_ref.required"),
    ],
)
def test_each_broken_rule_is_named(overrides: dict[str, object], rule: str) -> None:
    result = validate_data_quality(sale(**overrides), "box_office_sales")
    assert result.accepted.num_rows == 0
    assert result.rejected.column("_reasons").to_pylist() == [[rule]]
    assert result.rule_counts == {rule: 1}


def test_every_broken_rule_is_listed_and_counts_add_up() -> None:
    rows = [sale(), sale(transaction_id="T2", qty="0", unit_price="-1"), sale(transaction_id="T3")]
    result = validate_data_quality(rows, "box_office_sales")
    assert result.received == 3
    assert result.accepted.num_rows == 2
    assert result.rejected.column("_reasons").to_pylist() == [
        ["box_office_sales.qty.range", "box_office_sales.unit_price.range"]
    ]
    assert '"transaction_id":"T2"' in result.rejected.column("_payload")[0].as_py()


def test_mixed_date_formats_are_valid() -> None:
    rows = [
        sale(purchased_at="14/03/2025 20:00:00"),
        sale(purchased_at="03/14/2025 8:00:00 PM"),
        sale(purchased_at="2025-03-14 20:00:00"),
        sale(purchased_at="2025-03-14T20:00:00Z"),
    ]
    assert validate_data_quality(rows, "box_office_sales").valid


def test_without_a_lake_reference_and_unique_rules_are_skipped_not_guessed() -> None:
    result = validate_data_quality(sale(event_ref="PRM-404"), "box_office_sales")
    assert result.valid
    assert "box_office_sales.event_ref.reference" in result.skipped_rules


def test_a_warning_keeps_the_record_and_flags_it() -> None:
    venue = {
        "registry_id": "R1", "venue_name": "Hall", "street": "1 Road", "city": "Berlin",
        "region": "Berlin", "country": "Germany", "latitude": "13.40", "longitude": "152.52",
        "capacity": "3500", "venue_type": "theater", "amenities": "bar", "opened": "1990-05-01",
    }  # fmt: skip
    result = validate_data_quality(venue, "venue_registry")
    assert result.valid
    assert result.accepted.column("_warnings").to_pylist() == [[]]
    venue["latitude"], venue["longitude"] = "152.52", "13.40"
    flagged = validate_data_quality(venue, "venue_registry")
    assert flagged.valid
    assert flagged.accepted.column("_warnings").to_pylist() == [["venue_registry.latitude.range"]]


def test_nested_paths_are_checked() -> None:
    event = {
        "id": "E1", "name": "Band", "type": "event",
        "dates": {"start": {"localDate": "2025-02-30", "localTime": "20:00:00"}, "status": {"code": "onsale"}},
        "priceRanges": [{"type": "GA", "currency": "USD", "min": -5.0, "max": 5.0}],
        "_embedded": {"venues": [{"id": "V1"}], "attractions": []},
    }  # fmt: skip
    result = validate_data_quality(event, "ticketmaster_events")
    assert sorted(result.rejected.column("_reasons")[0].as_py()) == [
        "ticketmaster_events.local_date.type",
        "ticketmaster_events.lowest_price.range",
    ]


def test_malformed_contract_is_a_clear_error() -> None:
    with pytest.raises(ContractError, match="schema"):
        parse_contract("apiVersion: v3\nkind: DataContract\nid: x\nversion: '1'\n", "x.yaml")
    with pytest.raises(ContractError, match="no contract"):
        load_contract("nope")


def test_result_tables_keep_arrow_types() -> None:
    result = validate(pa.Table.from_pylist([sale()]), "box_office_sales")
    assert result.accepted.schema.field("_warnings").type == pa.list_(pa.string())


def known_ids(lake: Lakehouse) -> None:
    """The concert and customer the test sales name, in bronze."""
    lake.create_table("bronze.crm_customers", pa.schema([("customer_id", pa.string())]))
    lake.append("bronze.crm_customers", pa.table({"customer_id": ["C1", "C2"]}))
    lake.create_table("bronze.promoter_concerts", pa.schema([("id", pa.string())]))
    lake.append("bronze.promoter_concerts", pa.table({"id": ["PRM-000001"]}))


def test_a_duplicate_split_across_two_batches_of_a_delivery_is_flagged(lake: Lakehouse) -> None:
    known_ids(lake)
    first = records_to_arrow([sale(transaction_id="T1"), sale(transaction_id="T2")])
    second = records_to_arrow([sale(transaction_id="T3"), sale(transaction_id="T1")])
    with ContractChecker("box_office_sales", lake=lake) as checker:
        checker.check(first)
        result = checker.check(second)
    assert result.accepted.column("transaction_id").to_pylist() == ["T3", "T1"]
    assert result.accepted.column("_warnings").to_pylist() == [
        [],
        ["box_office_sales.transaction_id.unique"],
    ]


def test_a_following_checker_sees_ids_committed_after_it_opened(lake: Lakehouse) -> None:
    concerts = pa.table({"id": pa.array(["PRM-000001"])})
    customers = pa.table({"customer_id": pa.array(["C1"])})
    lake.create_table("bronze.crm_customers", customers.schema)
    lake.append("bronze.crm_customers", customers)
    batch = records_to_arrow([sale()])
    with ContractChecker("box_office_sales", lake=lake, follow=True) as checker:
        before = checker.check(batch)
        lake.create_table("bronze.promoter_concerts", concerts.schema)
        lake.append("bronze.promoter_concerts", concerts)
        after = checker.check(batch)
    assert before.rejected.column("_reasons").to_pylist() == [
        ["box_office_sales.event_ref.reference"]
    ]
    assert after.valid


def test_the_delivery_checker_and_the_following_one_agree(lake: Lakehouse) -> None:
    known_ids(lake)
    rows = [
        sale(),
        sale(transaction_id="T2", customer_ref="C9"),
        sale(transaction_id="T3", event_ref="PRM-000404", qty="0"),
        sale(transaction_id="T1", customer_ref="C2"),
    ]
    batch = records_to_arrow(rows)
    with ContractChecker("box_office_sales", lake=lake) as once:
        expected = once.check(batch)
    with ContractChecker("box_office_sales", lake=lake, follow=True) as following:
        got = following.check(batch)
    for name in ("accepted", "rejected"):
        assert getattr(got, name).equals(getattr(expected, name)), name
    assert (
        got.rule_counts
        == expected.rule_counts
        == {
            "box_office_sales.customer_ref.reference": 1,
            "box_office_sales.event_ref.reference": 1,
            "box_office_sales.qty.range": 1,
            "box_office_sales.transaction_id.unique": 1,
        }
    )
