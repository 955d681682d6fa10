"""The read-only DuckDB session over a real lake: naming, joins, pushdown, types, lockdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pyiceberg.types import StringType

from greenroom.lake import (
    AccessDeniedError,
    Lakehouse,
    QueryError,
    ReadOnlyError,
    TableNotFoundError,
)
from greenroom.lake._views import quote_ident
from greenroom.lake.governor import TableView
from greenroom.lake.session import Session
from tests.lake._data import SALES_SCHEMA, sales

pytestmark = pytest.mark.slow

T = "silver.sales"


@pytest.fixture
def session(lake: Lakehouse) -> Iterator[Session]:
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    lake.append(T, sales(600))  # 6 monthly files
    lake.create_table("bronze.feed", SALES_SCHEMA, partition_by=[("source", "identity")])
    lake.append("bronze.feed", sales(30, source="stream"))
    lake.append("bronze.feed", sales(20, start=100, source="online"))
    with lake.session() as s:
        yield s


def test_tables_are_queryable_as_ns_name(session: Session) -> None:
    out = session.sql(
        "SELECT count(*) AS n, sum(quantity * unit_price) AS revenue FROM silver.sales"
    )
    data = sales(600)
    revenue = pc.sum(pc.multiply(data["quantity"], data["unit_price"])).as_py()
    assert out.to_pylist() == [{"n": 600, "revenue": pytest.approx(revenue)}]


def test_params_and_cte_and_union(session: Session) -> None:
    out = session.sql(
        "WITH big AS (SELECT * FROM silver.sales WHERE quantity >= ?) "
        "SELECT count(*) AS n FROM big UNION ALL SELECT count(*) FROM bronze.feed",
        [8],
    )
    assert out["n"].to_pylist() == [75, 50]


def test_join_and_self_join(session: Session) -> None:
    joined = session.sql(
        "SELECT count(*) AS n FROM silver.sales s JOIN bronze.feed f ON s.sale_id = f.sale_id"
    )
    assert joined["n"][0].as_py() == 50  # s0..s29 and s100..s119
    pairs = session.sql(
        "SELECT count(*) AS n FROM silver.sales a JOIN silver.sales b "
        "ON a.quantity = b.quantity AND a.sale_id < b.sale_id WHERE a.quantity = 1 AND b.quantity = 1"
    )
    assert pairs["n"][0].as_py() == 75 * 74 // 2


def test_a_table_alias_as_a_row_gets_every_column(session: Session) -> None:
    rows = session.sql(f"SELECT s FROM {T} AS s ORDER BY s.sale_id LIMIT 1").to_pylist()
    assert set(rows[0]["s"]) == set(SALES_SCHEMA.names)


def test_a_first_query_sqlglot_cannot_parse_still_finds_its_tables(session: Session) -> None:
    """`?::DATE` defeats sqlglot, and DuckDB's `get_table_names` refuses prepared
    parameters: the tables then come from DuckDB's own parse tree."""
    got = session.sql(f"SELECT ?::DATE AS d, count(*) AS n FROM {T}", ["2025-01-01"])
    assert got["n"][0].as_py() == 600


def test_filter_pushdown_prunes_partition_files(session: Session) -> None:
    out = session.sql(
        "SELECT count(*) AS n FROM silver.sales WHERE event_date >= '2024-05-01' AND quantity > 0"
    )
    assert out["n"][0].as_py() == 200
    plan = session.last_plan[T]
    assert plan.mode == "parquet"
    assert (plan.files_planned, plan.files_total) == (2, 6)

    session.sql(
        "SELECT * FROM silver.sales WHERE event_date BETWEEN DATE '2024-02-01' AND DATE '2024-02-28'"
    )
    assert session.last_plan[T].files_planned == 1

    out = session.sql("SELECT count(*) AS n FROM bronze.feed WHERE source IN ('online')")
    assert out["n"][0].as_py() == 20
    assert session.last_plan["bronze.feed"].files_planned == 1

    session.sql("SELECT count(*) FROM silver.sales WHERE month(event_date) = 5")
    plan = session.last_plan[T]
    assert (plan.files_planned, plan.row_filter) == (6, "true")


def test_self_join_plans_the_union_of_both_filters(session: Session) -> None:
    out = session.sql(
        "SELECT count(*) AS n FROM silver.sales a, silver.sales b "
        "WHERE a.event_date < '2024-02-01' AND b.event_date >= '2024-06-01' AND a.sale_id = 's0'"
    )
    assert out["n"][0].as_py() == 100
    assert session.last_plan[T].files_planned == 2


def test_outer_join_null_side_is_not_pruned(session: Session) -> None:
    # b.source IS NULL keeps sales without a feed row: pushing it into bronze.feed would be wrong
    out = session.sql(
        "SELECT count(*) AS n FROM silver.sales s LEFT JOIN bronze.feed f ON s.sale_id = f.sale_id "
        "WHERE f.source IS NULL"
    )
    assert out["n"][0].as_py() == 550
    assert session.last_plan["bronze.feed"].row_filter == "true"


def test_results_follow_new_commits(lake: Lakehouse, session: Session) -> None:
    assert session.sql("SELECT count(*) AS n FROM bronze.feed")["n"][0].as_py() == 50
    lake.append("bronze.feed", sales(5, start=900, source="stream"))
    assert session.sql("SELECT count(*) AS n FROM bronze.feed")["n"][0].as_py() == 55


def test_types_survive_parquet_arrow_and_empty_paths(lake: Lakehouse) -> None:
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("sold_at", pa.timestamp("us", tz="UTC")),
            ("day", pa.date32()),
            ("genres", pa.list_(pa.string())),
            ("prices", pa.map_(pa.string(), pa.float64())),
        ]
    )
    row = pa.table(
        {
            "id": [1],
            "sold_at": pa.array(
                [dt.datetime(2024, 5, 1, 20, 30, tzinfo=dt.UTC)], schema.field("sold_at").type
            ),
            "day": [dt.date(2024, 5, 1)],
            "genres": [["rock", "metal"]],
            "prices": pa.array([[("vip", 99.5)]], schema.field("prices").type),
        }
    )
    lake.create_table("silver.typed", schema)
    lake.create_table("silver.typed_empty", schema)
    lake.append("silver.typed", row)
    expected = ["BIGINT", "TIMESTAMP WITH TIME ZONE", "DATE", "VARCHAR[]", "MAP(VARCHAR, DOUBLE)"]
    with lake.session() as s:
        assert s.sql("DESCRIBE silver.typed")["column_type"].to_pylist() == expected
        assert s.last_plan["silver.typed"].mode == "parquet"
        got = s.sql(
            "SELECT genres[1] AS g, prices['vip'] AS p, day, sold_at FROM silver.typed"
        ).to_pylist()
        assert got == [
            {
                "g": "rock",
                "p": 99.5,
                "day": dt.date(2024, 5, 1),
                "sold_at": dt.datetime(2024, 5, 1, 20, 30, tzinfo=dt.UTC),
            }
        ]
        assert s.sql("DESCRIBE silver.typed_empty")["column_type"].to_pylist() == expected
        assert s.sql("SELECT count(*) AS n FROM silver.typed_empty")["n"][0].as_py() == 0
        assert s.last_plan["silver.typed_empty"].mode == "empty"

    # an added column no file holds yet: still read from Parquet, the column typed and null
    table = lake.load_table("silver.typed")
    with table.update_schema() as update:
        update.add_column("note", StringType())
    with lake.session() as s:
        assert s.sql("DESCRIBE silver.typed")["column_type"].to_pylist() == [*expected, "VARCHAR"]
        assert s.last_plan["silver.typed"].mode == "parquet"
        got = s.sql("SELECT genres, note FROM silver.typed WHERE id = 1").to_pylist()
        assert got == [{"genres": ["rock", "metal"], "note": None}]

    # a renamed column: reading files by name would be wrong, so pyiceberg scans into Arrow
    with table.update_schema() as update:
        update.rename_column("note", "remark")
    with lake.session() as s:
        got = s.sql("SELECT genres, remark FROM silver.typed WHERE id = 1").to_pylist()
        assert got == [{"genres": ["rock", "metal"], "remark": None}]
        assert s.last_plan["silver.typed"].mode == "arrow"
        assert s.last_plan["silver.typed"].columns == ("id", "genres", "remark")


def test_register_makes_extra_relations_queryable(session: Session) -> None:
    session.register("targets", pa.table({"sale_id": ["s1", "s2", "nope"]}))
    out = session.sql("SELECT count(*) AS n FROM targets t JOIN silver.sales s USING (sale_id)")
    assert out["n"][0].as_py() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO silver.sales SELECT * FROM silver.sales",
        "CREATE TABLE x AS SELECT 1",
        "COPY (SELECT 1) TO 'out.csv'",
        "ATTACH 'other.db'",
        "DELETE FROM silver.sales",
        "SET enable_external_access = true",
        "PRAGMA version",
        "INSTALL httpfs",
    ],
)
def test_non_queries_are_rejected(session: Session, sql: str) -> None:
    with pytest.raises(ReadOnlyError, match="read-only"):
        session.sql(sql)


def test_host_files_cannot_be_read(session: Session) -> None:
    with pytest.raises(AccessDeniedError, match="lake tables only"):
        session.sql("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(AccessDeniedError):
        session.sql("SELECT * FROM read_text('/etc/hostname')")
    with pytest.raises(AccessDeniedError):
        session.sql("SELECT * FROM glob('/etc/*')")


def test_unknown_table_and_bad_sql_are_clean_errors(session: Session) -> None:
    with pytest.raises(TableNotFoundError, match=r"table `silver\.nope` does not exist"):
        session.sql("SELECT * FROM silver.nope")
    with pytest.raises(TableNotFoundError, match="`nothing_here`"):
        session.sql("SELECT * FROM nothing_here")
    with pytest.raises(QueryError, match="Parser Error") as parse_err:
        session.sql("SELEC 1")
    assert "\n" not in str(parse_err.value)
    with pytest.raises(QueryError, match=r'Binder Error.*"colour"') as bind_err:
        session.sql("SELECT colour FROM silver.sales")
    assert "\n" not in str(bind_err.value)
    with pytest.raises(QueryError, match="one statement"):
        session.sql("SELECT 1; SELECT 2")


def test_session_is_usable_after_errors_and_closable(session: Session) -> None:
    with pytest.raises(QueryError):
        session.sql("SELECT nope FROM silver.sales")
    assert session.sql("SELECT 1 AS x")["x"][0].as_py() == 1
    session.close()
    assert session.sql("SELECT count(*) AS n FROM silver.sales")["n"][0].as_py() == 600


@pytest.mark.slow
def test_added_columns_read_from_parquet_even_when_planned_files_lack_them(lake: Lakehouse) -> None:
    first = pa.table({"a": [1, 2], "s": ["x", "y"], "tags": [["p"], []]})
    lake.create_table("ops.evolving", first.schema)
    lake.append("ops.evolving", first)
    later = pa.table({"a": [3], "s": ["z"], "tags": [["q"]], "n": [1.5]})
    lake.create_table("ops.evolving", later.schema, evolve=True)
    lake.append("ops.evolving", later)
    with lake.session() as session:
        rows = session.sql("SELECT a, n, tags FROM ops.evolving ORDER BY a").to_pylist()
        assert rows == [
            {"a": 1, "n": None, "tags": ["p"]},
            {"a": 2, "n": None, "tags": []},
            {"a": 3, "n": 1.5, "tags": ["q"]},
        ]
        assert session.last_plan["ops.evolving"].mode == "parquet"
        old_only = session.sql("SELECT a, n FROM ops.evolving WHERE a < 3 ORDER BY a").to_pylist()
        assert old_only == [{"a": 1, "n": None}, {"a": 2, "n": None}]
        plan = session.last_plan["ops.evolving"]
        assert (plan.mode, plan.files_planned) == ("parquet", 1)


class _PassThrough:
    """A governor that lets every column through: the guard still applies."""

    def view(
        self,
        table: str,
        columns: Sequence[str],
        tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> TableView:
        return TableView(columns=tuple((c, quote_ident(c)) for c in columns))


def test_a_remembered_guard_verdict_follows_the_catalog(
    lake: Lakehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from greenroom.lake import _guard
    from greenroom.lake import session as session_module

    lake.create_table("gold.sales", pa.schema([pa.field("n", pa.int64())]))
    calls: list[str] = []

    def counting(con: object, query: str, registered: set[str]) -> _guard.GuardedQuery:
        calls.append(query)
        return _guard.guard(con, query, registered)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module, "guard", counting)
    shadowing = "WITH sales AS (SELECT 1 AS n) SELECT n FROM sales"
    with Session(lake, _PassThrough()) as governed:
        for _ in range(2):
            with pytest.raises(AccessDeniedError):
                governed.sql("SELECT * FROM read_parquet('/etc/passwd')")
        assert governed.sql(shadowing).num_rows == 1
        assert governed.sql(shadowing).num_rows == 1
        assert calls.count(shadowing) == 1  # the second verdict was remembered
        assert governed.sql("SELECT count(*) FROM gold.sales").num_rows == 1
        # a view named `sales` now exists: the CTE may no longer shadow it, as uncached
        with pytest.raises(AccessDeniedError):
            governed.sql(shadowing)
    assert calls.count("SELECT * FROM read_parquet('/etc/passwd')") == 2
