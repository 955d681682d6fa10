"""WHERE → pyiceberg row filter: what is pushed, and what must never be."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot
from pyiceberg import expressions
from pyiceberg.expressions import BooleanExpression
from pyiceberg.expressions.visitors import bind
from pyiceberg.schema import Schema
from pyiceberg.types import (
    DateType,
    DoubleType,
    FloatType,
    LongType,
    NestedField,
    StringType,
    TimestampType,
    TimestamptzType,
)
from sqlglot import exp

from greenroom.lake._pushdown import describe, filter_for_reference
from greenroom.lake._references import find_references

ex: Any = expressions  # pyiceberg's pydantic predicates confuse mypy's signatures

SCHEMA = Schema(
    NestedField(1, "id", LongType()),
    NestedField(2, "name", StringType()),
    NestedField(3, "at", TimestamptzType()),
    NestedField(4, "local", TimestampType()),
    NestedField(5, "day", DateType()),
    NestedField(6, "price", DoubleType()),
    NestedField(7, "ratio", FloatType()),
)


def pushed(sql: str, table: str = "silver.t", which: int = 0) -> str:
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    refs = [t for t in tree.find_all(exp.Table) if f"{t.db}.{t.name}" == table]
    return describe(filter_for_reference(refs[which], SCHEMA))


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("id = 3", ex.EqualTo("id", 3)),
        ("3 < id", ex.GreaterThan("id", 3)),
        ("(id >= 3)", ex.GreaterThanOrEqual("id", 3)),
        ("name IN ('a', 'b')", ex.In("name", {"a", "b"})),
        ("id BETWEEN 1 AND 4", ex.And(ex.GreaterThanOrEqual("id", 1), ex.LessThanOrEqual("id", 4))),
        ("id IS NULL", ex.IsNull("id")),
        ("id IS NOT NULL", ex.NotNull("id")),
        ("price > -1.5", ex.GreaterThan("price", -1.5)),
        ("price <= 2", ex.LessThanOrEqual("price", 2.0)),
        ("day = DATE '2024-01-31'", ex.EqualTo("day", "2024-01-31")),
        ("day = '2024-01-31'", ex.EqualTo("day", "2024-01-31")),
        ("at >= '2024-01-01'", ex.GreaterThanOrEqual("at", "2024-01-01T00:00:00+00:00")),
        (
            "at >= '2024-01-01 02:00+02:00'",
            ex.GreaterThanOrEqual("at", "2024-01-01T00:00:00+00:00"),
        ),
        ("at < DATE '2024-02-01'", ex.LessThan("at", "2024-02-01T00:00:00+00:00")),
        ("local < TIMESTAMP '2024-01-01 00:00:01'", ex.LessThan("local", "2024-01-01T00:00:01")),
        ("id = 1 OR name = 'x'", ex.Or(ex.EqualTo("id", 1), ex.EqualTo("name", "x"))),
    ],
)
def test_simple_predicates_are_pushed(where: str, expected: BooleanExpression) -> None:
    tree = sqlglot.parse_one(f"SELECT * FROM silver.t WHERE {where}", dialect="duckdb")
    got = filter_for_reference(next(tree.find_all(exp.Table)), SCHEMA)
    assert bind(SCHEMA, got, True) == bind(SCHEMA, expected, True)


@pytest.mark.parametrize(
    "where",
    [
        "id = 1.5",  # fractional literal against an integer column
        "ratio = 0.1",  # float32 column: rounding differs
        "name = 5",  # types differ: DuckDB casts
        "id = '5'",
        "day = '2024-01-01 10:00'",  # not a plain date
        "local = '2024-01-01 10:00+02:00'",  # zone on a naive column
        "month(at) = 5",
        "id + 1 = 3",
        "id <> 3",
        "id NOT IN (1, 2)",
        "id IN (SELECT 1)",
        "name LIKE 'a%'",
        "id = ?",
        "other.id = 1",
        "nosuch = 1",
    ],
)
def test_unsafe_predicates_are_not_pushed(where: str) -> None:
    assert pushed(f"SELECT * FROM silver.t WHERE {where}") == "true"


def test_only_safe_conjuncts_survive() -> None:
    text = pushed("SELECT * FROM silver.t WHERE id = 1 AND month(at) = 5 AND name = 'x'")
    assert "month" not in text and "'id'" in text and "'name'" in text


def test_or_needs_both_sides() -> None:
    assert pushed("SELECT * FROM silver.t WHERE id = 1 OR id + 1 = 2") == "true"


def test_qualified_columns_and_ambiguity() -> None:
    sql = "SELECT * FROM silver.t a JOIN gold.u b ON a.id = b.id WHERE a.id = 1 AND b.id = 2"
    assert pushed(sql) == describe(ex.EqualTo("id", 1))
    # unqualified column with two sources: could be either table's
    assert pushed("SELECT * FROM silver.t a JOIN gold.u b ON true WHERE id = 1") == "true"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM gold.u LEFT JOIN silver.t ON true WHERE silver.t.id IS NULL",
        "SELECT * FROM gold.u u LEFT JOIN silver.t t ON true WHERE t.id IS NULL",
        "SELECT * FROM silver.t t RIGHT JOIN gold.u u ON true WHERE t.id IS NULL",
        "SELECT * FROM silver.t t FULL JOIN gold.u u ON true WHERE t.id = 1",
        "SELECT * FROM gold.u u ASOF JOIN silver.t t ON u.id >= t.id WHERE t.id = 1",
        "SELECT * FROM silver.t t POSITIONAL JOIN gold.u u WHERE t.id = 1",
        "SELECT * FROM silver.t TABLESAMPLE 10% WHERE id = 1",
    ],
)
def test_null_supplying_and_order_sensitive_sides_get_no_filter(sql: str) -> None:
    assert pushed(sql) == "true"


def test_preserved_side_of_left_join_is_filtered() -> None:
    sql = "SELECT * FROM silver.t t LEFT JOIN gold.u u ON t.id = u.id WHERE t.id = 1"
    assert pushed(sql) != "true"


def test_filter_applies_per_select_scope() -> None:
    sql = "WITH x AS (SELECT * FROM silver.t WHERE id = 1) SELECT * FROM x WHERE name = 'a'"
    assert "'id'" in pushed(sql) and "'name'" not in pushed(sql)
    outer = "SELECT * FROM (SELECT * FROM silver.t) s WHERE s.id = 1"
    assert pushed(outer) == "true"


def test_references_found_and_columns_collected() -> None:
    refs = find_references(
        "WITH c AS (SELECT 1) SELECT a.id, s.x FROM silver.t a, gold.u, Silver.T b, c, other.z",
        [],
    )
    assert sorted(refs.tables) == ["gold.u", "silver.t"]
    assert len(refs.tables["silver.t"]) == 2
    assert refs.columns is not None and {"id", "x", "s"} <= refs.columns
    assert find_references("SELECT * FROM silver.t", []).columns is None


def test_struct_fields_through_an_alias_keep_their_column() -> None:
    """In `t.dates.start.day` the column is `dates` (sqlglot reads `t` as the catalog and
    `dates` as the db): pruning it broke reads that go through Arrow."""
    refs = find_references("SELECT count_if(t.dates.start.day IS NULL) FROM bronze.e AS t", [])
    assert refs.columns is not None and "dates" in refs.columns


def test_join_using_columns_and_whole_rows_are_kept() -> None:
    """Projection pruning must keep `USING (…)` columns (identifiers, not columns, to
    sqlglot) and every column of a table whose alias is used as a row."""
    using = find_references("SELECT count(*) FROM silver.a JOIN silver.b USING (concert_id)", [])
    assert using.columns == {"concert_id"}
    assert find_references("SELECT c FROM silver.customers AS c", []).columns is None
    assert find_references("SELECT c.id FROM silver.customers AS c", []).columns == {"c", "id"}


def test_references_fall_back_to_duckdb_names() -> None:
    refs = find_references(
        "EXPLAIN ANALYZE SELECT * FROM silver.t", ['"silver"."t" AS q', "gold.u"]
    )
    assert sorted(refs.tables) == ["gold.u", "silver.t"]
    assert not refs.parsed
