"""Column lineage of one SQL job: what sqlglot traces, and how it degrades where it cannot."""

from __future__ import annotations

from greenroom.governance.lineage.records import Edge, Job, JobLineage
from greenroom.governance.lineage.schemas import Schemas, add_references
from greenroom.governance.lineage.trace import trace_job

MODEL = "models/test.sql"


def trace(sql: str, tables: dict[str, dict[str, str]], target: str = "silver.out") -> JobLineage:
    schemas = Schemas()
    add_references(schemas)
    for name, columns in tables.items():
        schemas.set(name, columns)
    return trace_job(Job(target, target, "sql", "table", MODEL, sql), schemas)


def inputs(traced: JobLineage, column: str) -> set[tuple[str, str | None, bool]]:
    return {
        (e.source_table, e.source_column, e.precise)
        for e in traced.edges
        if e.target_column == column
    }


def edge(traced: JobLineage, column: str, source: str, source_column: str) -> Edge:
    (found,) = [
        e
        for e in traced.edges
        if (e.target_column, e.source_table, e.source_column) == (column, source, source_column)
    ]
    return found


A = {"id": "INT", "x": "INT", "y": "TEXT"}
B = {"id": "INT", "z": "DOUBLE"}


def test_star_and_using_resolve_through_the_schema() -> None:
    traced = trace(
        "SELECT * FROM bronze.a JOIN bronze.b USING (id)", {"bronze.a": A, "bronze.b": B}
    )
    assert traced.columns == ("id", "x", "y", "z")
    assert inputs(traced, "x") == {("bronze.a", "x", True)}
    assert inputs(traced, "z") == {("bronze.b", "z", True)}
    assert inputs(traced, "id") == {("bronze.a", "id", True), ("bronze.b", "id", True)}
    assert traced.warnings == ()
    assert traced.imprecise == ()


def test_every_relation_read_has_a_table_edge_filters_included() -> None:
    traced = trace(
        "SELECT x FROM bronze.a WHERE id IN (SELECT id FROM bronze.b)",
        {"bronze.a": A, "bronze.b": B},
    )
    table_edges = {(e.source_table, e.precise) for e in traced.edges if e.is_table_edge}
    assert table_edges == {("bronze.a", True), ("bronze.b", True)}
    assert inputs(traced, "x") == {("bronze.a", "x", True)}


def test_union_branches_line_up_by_position_even_without_names() -> None:
    sql = """
        WITH a AS (SELECT 'a' AS src, x AS v, x FROM bronze.a),
             b AS (SELECT 'b', z, z FROM bronze.b)
        SELECT * FROM a UNION ALL SELECT * FROM b
    """
    traced = trace(sql, {"bronze.a": A, "bronze.b": B})
    assert traced.columns == ("src", "v", "x")
    assert inputs(traced, "v") == {("bronze.a", "x", True), ("bronze.b", "z", True)}
    # a constant depends on the rows it is selected with, not on any column
    assert inputs(traced, "src") == {("bronze.a", None, True), ("bronze.b", None, True)}


def test_a_constant_branch_beside_real_inputs_adds_no_rows_edge() -> None:
    sql = "SELECT x AS v FROM bronze.a UNION ALL SELECT CAST(NULL AS INT) FROM bronze.b"
    traced = trace(sql, {"bronze.a": A, "bronze.b": B})
    assert inputs(traced, "v") == {("bronze.a", "x", True)}


def test_duckdb_lambdas_struct_access_qualify_and_maps_trace_to_the_root_column() -> None:
    events = {
        "id": "TEXT",
        "tags": 'STRUCT("count" BIGINT, name TEXT)[]',
        "dates": 'STRUCT("start" STRUCT(localDate TEXT, localTime TEXT))',
        "prices": "STRUCT(tier TEXT, price DOUBLE)[]",
        "_ingested_at": "TIMESTAMPTZ",
    }
    sql = """
        SELECT
            list_transform(
                list_reverse_sort(list_transform(tags, lambda t: {'c': t."count", 'n': t.name})),
                lambda x: x.n
            ) AS genres,
            e.dates."start".localDate || ' ' || e.dates."start".localTime AS starts,
            map_from_entries(list_transform(
                list_filter(e.prices, lambda p: p.price IS NOT NULL),
                lambda p: {'k': p.tier, 'v': round(p.price * fx.usd_per_unit, 2)}
            )) AS ticket_prices
        FROM bronze.events AS e
        LEFT JOIN ref_fx_rates AS fx ON fx.currency = 'EUR'
        QUALIFY row_number() OVER (PARTITION BY e.id ORDER BY e._ingested_at DESC) = 1
    """
    traced = trace(sql, {"bronze.events": events})
    assert inputs(traced, "genres") == {("bronze.events", "tags", True)}
    assert inputs(traced, "starts") == {("bronze.events", "dates", True)}
    assert inputs(traced, "ticket_prices") == {
        ("bronze.events", "prices", True),
        ("ref_fx_rates", "usd_per_unit", True),
    }
    assert traced.imprecise == ()


def test_subtypes_say_how_a_column_is_transformed() -> None:
    sql = "SELECT y, sum(x) AS total, upper(y) AS loud, count(*) AS n FROM bronze.a GROUP BY y"
    traced = trace(sql, {"bronze.a": A})
    assert edge(traced, "y", "bronze.a", "y").subtype == "IDENTITY"
    assert edge(traced, "total", "bronze.a", "x").subtype == "AGGREGATION"
    assert edge(traced, "loud", "bronze.a", "y").subtype == "TRANSFORMATION"
    assert inputs(traced, "n") == {("bronze.a", None, True)}


def test_column_names_keep_the_spelling_of_the_source() -> None:
    traced = trace(
        "SELECT priceRanges AS prices FROM bronze.ev", {"bronze.ev": {"priceRanges": "TEXT"}}
    )
    assert inputs(traced, "prices") == {("bronze.ev", "priceRanges", True)}


def test_a_column_no_schema_explains_falls_back_to_table_lineage() -> None:
    # `s.extra` is added to `stg_x` by Python code sqlglot cannot see: the CTE's star
    # does not carry it, so only that column degrades, to every relation the job reads.
    sql = """
        WITH s AS (SELECT * FROM stg_x)
        SELECT s.a, s.a + s.extra AS b FROM s JOIN bronze.b ON bronze.b.id = s.a
    """
    traced = trace(sql, {"stg_x": {"a": "INT"}, "bronze.b": B})
    assert inputs(traced, "a") == {("stg_x", "a", True)}
    assert inputs(traced, "b") == {
        ("stg_x", "a", True),
        ("stg_x", None, False),
        ("bronze.b", None, False),
    }
    assert traced.imprecise == ("b",)
    assert traced.warnings == ("`silver.out.b`: an input is not traceable; table-level lineage",)


def test_sql_sqlglot_cannot_qualify_gives_table_lineage_for_every_column() -> None:
    sql = "SELECT id, x FROM bronze.a JOIN (SELECT * FROM mystery) AS m USING (id)"
    traced = trace(sql, {"bronze.a": A})
    assert traced.columns == ("id", "x")
    assert inputs(traced, "x") == {("bronze.a", None, False), ("mystery", None, False)}
    assert len(traced.warnings) == 1
    assert "cannot qualify" in traced.warnings[0] and MODEL in traced.warnings[0]


def test_sql_that_does_not_parse_gives_no_lineage_and_says_so() -> None:
    traced = trace("SELECT FROM WHERE (", {})
    assert traced.columns == ()
    assert traced.edges == ()
    assert "does not parse" in traced.warnings[0]
