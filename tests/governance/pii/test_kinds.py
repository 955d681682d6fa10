"""The content classifier on hand-made values: positives and near misses, per kind."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from greenroom.governance.pii.classify import NAMES_RELATION, Column, classify_sql
from greenroom.governance.pii.kinds import PREDICATES, confidence
from greenroom.governance.pii.scan import _reference_names
from greenroom.lake import Session

TODAY = date(2026, 6, 30)

CASES: dict[str, tuple[list[str], list[str]]] = {
    "email": (
        ["ava.russo11880@example.org", "o'neil+tix@mail.co.uk"],
        ["ava.russo@", "not an email", "a@b", "@example.com"],
    ),
    "phone": (
        ["+44 20 7946 0958", "(212) 555-0187", "+1-415-555-0100", "0049 30 123456"],
        ["1983-05-05", "91.50", "-118.2472", "192.168.1.1", "12345", "2026-03-17T10:35:40Z"],
    ),
    "person_name": (
        ["Jérôme Byrne", "Susan", "González", "Anna Schmidt"],
        ["Smith & Co", "the smiths", "Empire of Kings", "Xq Zzv", "CRM-123"],
    ),
    "street_address": (
        [
            "225 Russo Way",
            "41 Åberg Road",
            "10 Downing Street",
            "Hauptstraße 5",
            "12 rue de Rivoli",
        ],
        ["Russo Way", "Los Angeles", "225", "Way 225 Out"],
    ),
    "postal_code": (["94105", "SW1A 1AA", "K1A 0B1"], ["9410", "ABC", "941056"]),
    "date_of_birth": (
        ["1983-05-05", "14/01/2000", "1950-12-31"],
        ["2023-03-06", "1898-11-28", "2026-13-01", "1983-05-05T10:00:00Z"],
    ),
    "card_number": (
        ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"],
        ["4111 1111 1111 1112", "1234567890123", "4111"],
    ),
    "ip_address": (
        ["192.168.1.1", "10.0.0.254", "2001:db8::1", "fe80:0:0:0:202:b3ff:fe1e:8329"],
        ["999.1.1.1", "1.2.3", "12:03:15", "1.2.3.4.5"],
    ),
}


def _matches(kind: str, values: list[str]) -> dict[str, int]:
    """How many of `values` each kind's predicate matches (one column, one statement)."""
    with Session.detached() as session:
        session.register(NAMES_RELATION, _reference_names())
        session.register("vals", pa.table({"v": values}))
        sql = classify_sql("vals", [Column("v", '"v"')], payload=False, sample=1000, today=TODAY)
        row = session.sql(sql).to_pylist()[0]
    return {k: row[k] for k in PREDICATES}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_positives_match(kind: str) -> None:
    positives, _ = CASES[kind]
    assert _matches(kind, positives)[kind] == len(positives)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_near_misses_do_not(kind: str) -> None:
    _, misses = CASES[kind]
    for value in misses:
        assert _matches(kind, [value])[kind] == 0, value


def test_confidence_is_raised_by_a_name_and_halved_for_a_weak_kind_without_one() -> None:
    assert confidence("email", "contact", 9, 10).value == 0.9
    assert confidence("email", "email", 9, 10).value == 1.0
    assert confidence("email", "email", 0, 10).value == 0.0
    assert confidence("date_of_birth", "opened", 8, 10).value == 0.4
    hinted = confidence("date_of_birth", "birth_date", 8, 10)
    assert (hinted.value, hinted.content, hinted.hinted) == (1.0, 0.8, True)
    blind = confidence("date_of_birth", "birth_date", 8, 10, use_name=False)
    assert (blind.value, blind.hinted) == (0.4, False)
