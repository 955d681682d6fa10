"""The Lake Formation layer: hidden columns, masks, row filters, tags — and the masks' SQL."""

from __future__ import annotations

import duckdb
import pytest

from greenroom.governance.exceptions import PolicyInvalidError, TableAccessDeniedError
from greenroom.governance.policy.govern import PolicyGovernor
from greenroom.governance.policy.masks import mask_sql
from greenroom.governance.policy.store import parse
from greenroom.governance.principals import Principal

POLICY = parse(
    """
statements:
  - {sid: read, effect: Allow, principals: ["*"], actions: ["lake:Select"], resources: ["*"]}
  - {sid: no-ops, effect: Deny, principals: [role:analyst], actions: ["*"], resources: [ops.*]}
grants:
  - sid: no-pii
    principals: [role:analyst]
    tables: ["*"]
    columns: {exclude: [birth_date]}
    exclude_tags: {pii: "*"}
  - sid: pseudonyms
    principals: [role:scientist]
    tables: [silver.*]
    masks: {customer_id: keyed_hash, email: partial}
    tag_masks: {"pii=*": redact}
  - sid: stronger
    principals: [role:scientist]
    tables: [silver.customers]
    masks: {email: "null"}
  - sid: own-venues
    principals: [role:partner]
    tables: [silver.concerts]
    row_filter: "venue_id IN (${principal.venue_ids})"
  - sid: recent
    principals: [role:partner]
    tables: [silver.concerts]
    row_filter: "concert_date >= DATE '2025-01-01'"
  - sid: only-some
    principals: [role:partner]
    tables: [silver.venues]
    columns: {include: [venue_id, name]}
"""
)
COLUMNS = ["customer_id", "full_name", "email", "birth_date", "city"]
TAGS = {"silver.customers": {"full_name": {"pii": "person_name"}}}


def _governor(principal: Principal) -> PolicyGovernor:
    return PolicyGovernor(POLICY, principal, "v1", "k3y", tags_of=lambda t: TAGS.get(t, {}))


def test_hidden_by_name_and_by_tag_with_the_grant_that_hides() -> None:
    view = _governor(Principal("a", ("analyst",))).view("silver.customers", COLUMNS)
    assert [c for c, _ in view.columns] == ["customer_id", "email", "city"]
    assert view.hidden["birth_date"].policy == "no-pii"
    assert view.hidden["full_name"].reason == "tagged `pii=person_name`"
    assert view.protected == {"birth_date", "full_name"}
    assert view.where is None


def test_strongest_mask_wins_and_tag_masks_apply() -> None:
    explained = _governor(Principal("s", ("scientist",))).explain("silver.customers", COLUMNS)
    masks = {m.column: (m.kind, m.grant) for m in explained.masks}
    assert masks == {
        "customer_id": ("keyed_hash", "pseudonyms"),
        "email": ("null", "stronger"),  # null beats partial
        "full_name": ("redact", "pseudonyms"),  # by its tag
    }
    assert explained.grants == ("pseudonyms", "stronger")


def test_row_filters_are_anded_with_attributes_as_quoted_literals() -> None:
    partner = Principal("p", ("partner",), {"venue_ids": "v1, o'brien"})
    view = _governor(partner).view("silver.concerts", ["venue_id", "concert_date"])
    assert view.where == (
        "(venue_id IN ('v1', 'o''brien')) AND (concert_date >= DATE '2025-01-01')"
    )
    rows = duckdb.sql(
        "SELECT venue_id FROM (VALUES ('v1', DATE '2025-02-01'), ('o''brien', DATE '2025-02-01'),"
        " ('v2', DATE '2025-02-01'), ('v1', DATE '2024-02-01')) t(venue_id, concert_date)"
        f" WHERE {view.where}"
    ).fetchall()
    assert sorted(rows) == [("o'brien",), ("v1",)]


def test_a_missing_attribute_passes_no_rows_and_says_why() -> None:
    explained = _governor(Principal("p", ("partner",))).explain("silver.concerts", ["venue_id"])
    first = explained.filters[0]
    assert first.sql == "FALSE" and "`principal.venue_ids` is not set" in first.note


def test_include_list_keeps_only_the_granted_columns() -> None:
    partner = Principal("p", ("partner",), {"venue_ids": "v1"})
    view = _governor(partner).view("silver.venues", ["venue_id", "name", "capacity"])
    assert [c for c, _ in view.columns] == ["venue_id", "name"]
    assert view.hidden["capacity"].reason == "not among the columns granted"


def test_denied_table_raises_and_is_recorded_for_the_audit() -> None:
    governor = _governor(Principal("a", ("analyst",)))
    with pytest.raises(TableAccessDeniedError) as err:
        governor.view("ops.audit", ["seq"])
    assert err.value.code == "table_access_denied" and "no-ops" in str(err.value)
    governor.view("silver.venues", ["venue_id"])
    decided = governor.drain()
    assert [(t, d.allowed, d.statement) for t, d in decided] == [
        ("ops.audit", False, "no-ops"),
        ("silver.venues", True, "read"),
    ]
    assert governor.drain() == []


def test_a_row_filter_reading_another_table_declares_it() -> None:
    doc = parse(
        """
statements: [{sid: r, effect: Allow, principals: ["*"], actions: ["*"], resources: ["*"]}]
grants:
  - sid: own-sales
    principals: ["*"]
    tables: [silver.ticket_sales]
    row_filter: "concert_id IN (SELECT concert_id FROM silver.concerts)"
  - {sid: broken, principals: ["*"], tables: [silver.venues], row_filter: "venue_id IN ("}
"""
    )
    governor = PolicyGovernor(doc, Principal("p", ("x",)), "v", "k")
    assert governor.view("silver.ticket_sales", ["concert_id"]).depends == ("silver.concerts",)
    with pytest.raises(PolicyInvalidError, match="is not valid SQL"):
        governor.view("silver.venues", ["venue_id"])


def _masked(kind: str, value: object, key: str = "k3y") -> object:
    sql = mask_sql(kind, "v", key)  # type: ignore[arg-type]
    return duckdb.execute(f"SELECT {sql} FROM (SELECT ? AS v)", [value]).fetchone()[0]  # type: ignore[index]


def test_masks_as_sql() -> None:
    assert _masked("redact", "Jane Doe") == "[redacted]"
    assert _masked("redact", None) is None
    assert _masked("partial", "jane.doe@example.com") == "j***@example.com"
    assert _masked("partial", "4111111111111111") == "************1111"
    assert _masked("partial", "abc") == "***"
    assert _masked("null", "x") is None
    one, again = _masked("keyed_hash", "cus_1"), _masked("keyed_hash", "cus_1")
    assert one == again and str(one).startswith("anon_") and len(str(one)) == 25
    assert _masked("keyed_hash", "cus_2") != one
    assert _masked("keyed_hash", "cus_1", key="other") != one  # no key, no recomputing
    assert _masked("keyed_hash", "x", key="it's") is not None  # the key is quoted


def test_a_column_masked_by_name_survives_the_same_grants_tag_exclusion() -> None:
    doc = parse(
        """
statements: [{sid: r, effect: Allow, principals: ["*"], actions: ["*"], resources: ["*"]}]
grants:
  - sid: no-pii-but-pseudonyms
    principals: ["*"]
    tables: ["*"]
    exclude_tags: {pii: "*"}
    masks: {customer_id: keyed_hash}
"""
    )
    tags = {"customer_id": {"pii": "customer_id"}, "email": {"pii": "email"}}
    governor = PolicyGovernor(doc, Principal("a", ("x",)), "v", "k", tags_of=lambda _t: tags)
    view = governor.view("silver.ticket_sales", ["customer_id", "email", "quantity"])
    assert [c for c, _ in view.columns] == ["customer_id", "quantity"]
    assert view.columns[0][1].startswith("(CASE WHEN") and "sha256" in view.columns[0][1]
    assert set(view.hidden) == {"email"}
