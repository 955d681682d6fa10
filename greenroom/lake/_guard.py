"""What a query may touch when it runs for a principal other than `system`.

The query is parsed by DuckDB itself (``json_serialize_sql``), so the tree checked is the
tree that will run: no second parser whose reading of comments, quoting or casing could
differ. Every table reference must be a lake table (``ns.name``, no catalog), a CTE of
the query or a relation the caller registered; table functions other than ``range``,
``generate_series`` and ``unnest`` are refused (``read_parquet``, ``glob``, ``query``,
``duckdb_tables`` …), and so are functions that read settings, statistics or the catalog, time
travel (``AT (VERSION => …)``) and anything that is not one plain SELECT.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb

from greenroom.lake._names import NAMESPACES
from greenroom.lake.exceptions import AccessDeniedError, QueryError

_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
_FUNCTIONS = frozenset(
    {
        "current_setting",
        "getvariable",
        "stats",  # the column's statistics: min/max of rows a row filter keeps out
        "col_description",  # these three read the catalog (duckdb_columns, …)
        "obj_description",
        "shobj_description",
        "query",
        "query_table",
        "read_text",
        "read_blob",
        "glob",
        "json_serialize_sql",
        "json_deserialize_sql",
        "json_execute_serialized_sql",
        "current_schemas",
        "current_catalog",
        "which_secret",
        "sql_auto_complete",
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs",
        "checkpoint",
        "force_checkpoint",
    }
)
_FUNCTION_PREFIXES = ("duckdb_", "pragma_", "pg_", "read_", "parquet_", "iceberg_", "sniff_")
_TABLE_REF_KINDS = frozenset(
    {"BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EMPTY", "EXPRESSION_LIST", "PIVOT"}
)


@dataclass
class GuardedQuery:
    """A query that passed the guard: the lake tables it reads (``ns.name``, lower case)."""

    tables: set[str] = field(default_factory=set)


def guard(con: duckdb.DuckDBPyConnection, query: str, registered: set[str]) -> GuardedQuery:
    """Refuse anything but a plain SELECT over lake tables, CTEs and `registered` names.

    A CTE may not take the name of a catalog object (``sqlite_master``, ``duckdb_views`` …):
    a reference outside the CTE's scope would otherwise reach the catalog.
    """
    try:
        rows = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchall()
    except duckdb.Error as exc:  # pragma: no cover - the function is built in
        raise QueryError(str(exc), query) from None
    tree: dict[str, Any] = json.loads(rows[0][0] if rows else "{}")
    if tree.get("error"):
        message = str(tree.get("error_message") or "not a SELECT statement")
        if "Only SELECT statements" in message or "not supported" in message.lower():
            raise AccessDeniedError(
                "only a SELECT (or DESCRIBE/SUMMARIZE of one) may run here: no EXPLAIN, "
                "PRAGMA, SET, COPY, ATTACH or other statements",
                query,
                "ask a data engineer to run it as the system principal",
            )
        raise QueryError(message, query, "check the SQL syntax (DuckDB dialect)")
    statements = tree.get("statements") or []
    if len(statements) != 1:
        raise QueryError(f"send exactly one statement per call (got {len(statements)})", query)
    nodes = list(_nodes(statements[0]))  # one walk of the tree, for the CTEs and the checks
    ctes = {name.lower() for name in _cte_names(nodes)}
    if ctes:  # the catalog is read only when a CTE name could shadow one of its objects
        ctes -= _catalog_names(con)
    allowed_plain = ctes | {r.lower() for r in registered}
    found = GuardedQuery()
    for node in nodes:
        _check_node(node, query, allowed_plain, found)
    return found


def lake_tables(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The `ns.table` names `query` reads, from DuckDB's own parse tree (unlike
    `get_table_names`, it accepts prepared parameters `?`); empty when it does not parse."""
    try:
        rows = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [query]).fetchall()
    except duckdb.Error:  # pragma: no cover - the function is built in
        return []
    tree: dict[str, Any] = json.loads(rows[0][0] if rows else "{}")
    if tree.get("error"):
        return []
    names = {
        f"{node.get('schema_name')}.{node.get('table_name')}".lower()
        for node in _nodes(tree.get("statements") or [])
        if node.get("type") == "BASE_TABLE"
        and str(node.get("schema_name") or "").lower() in NAMESPACES
        and not node.get("catalog_name")
    }
    return sorted(names)


def _check_node(
    node: dict[str, Any], query: str, allowed_plain: set[str], found: GuardedQuery
) -> None:
    kind = node.get("type")
    if node.get("at_clause"):
        raise AccessDeniedError("time travel (`AT (…)`) is not allowed here", query)
    if kind == "BASE_TABLE":
        catalog = str(node.get("catalog_name") or "")
        schema = str(node.get("schema_name") or "").lower()
        table = str(node.get("table_name") or "").lower()
        if catalog:
            raise AccessDeniedError(f"other databases (`{catalog}`) are not readable here", query)
        if not schema:
            if table in allowed_plain and not table.startswith("__"):
                return
            raise AccessDeniedError(
                f"`{table}` is not a lake table; name tables as `namespace.table` "
                f"({', '.join(NAMESPACES)})",
                query,
            )
        if schema not in NAMESPACES:
            raise AccessDeniedError(
                f"`{schema}.{table}` is not a lake table (catalog and system schemas are not "
                "readable here)",
                query,
            )
        found.tables.add(f"{schema}.{table}")
        return
    if kind == "TABLE_FUNCTION":
        function = node.get("function") or {}
        name = str(function.get("function_name") or "").lower()
        if name not in _TABLE_FUNCTIONS or function.get("catalog") or function.get("schema"):
            raise AccessDeniedError(
                f"the table function `{name}` is not allowed here; read lake tables by name",
                query,
            )
        return
    if node.get("class") == "FUNCTION":
        name = str(node.get("function_name") or "").lower()
        if node.get("catalog") or node.get("schema"):
            raise AccessDeniedError(f"qualified function names (`{name}`) are not allowed", query)
        if name in _FUNCTIONS or name.startswith(_FUNCTION_PREFIXES):
            raise AccessDeniedError(f"the function `{name}` is not allowed here", query)
        return
    if kind == "SHOW_REF":  # DESCRIBE / SUMMARIZE of a query are fine; SHOW TABLES is not
        if node.get("table_name") or not node.get("query"):
            raise AccessDeniedError("listing the catalog is not allowed here", query)
        return
    if _is_table_ref(node) and kind not in _TABLE_REF_KINDS:
        raise AccessDeniedError(f"`{kind}` is not allowed here", query)


def _is_table_ref(node: dict[str, Any]) -> bool:
    return "sample" in node and "alias" in node and "class" not in node


def _catalog_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT lower(view_name) FROM duckdb_views() UNION ALL "
        "SELECT lower(table_name) FROM duckdb_tables()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the tree, depth first."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _cte_names(nodes: list[dict[str, Any]]) -> Iterator[str]:
    for node in nodes:
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            for entry in cte_map.get("map") or []:
                yield str(entry.get("key") or "")
