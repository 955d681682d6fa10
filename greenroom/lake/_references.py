"""Which lake tables a SQL query reads, and which of their columns it may touch."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from greenroom.lake._names import NAMESPACES


@dataclass
class QueryReferences:
    """Lake tables named in a query: `"ns.t"` → its `exp.Table` nodes (empty if not parsed)."""

    tables: dict[str, list[exp.Table]] = field(default_factory=dict)
    columns: set[str] | None = None  # lower-cased names the query mentions; None = maybe all
    parsed: bool = True


def find_references(query: str, duckdb_names: list[str]) -> QueryReferences:
    """Parse `query` with sqlglot; fall back to DuckDB's own table list when sqlglot cannot."""
    try:
        trees = [t for t in sqlglot.parse(query, dialect="duckdb") if t is not None]
    except SqlglotError:
        trees = []
    if not trees or any(isinstance(t, exp.Command) for t in trees):
        return _from_duckdb_names(duckdb_names)
    refs = QueryReferences()
    columns: set[str] = set()
    star = False
    for tree in trees:
        row_names: set[str] = set()  # a table's alias or name, usable as a whole row
        for table in tree.find_all(exp.Table):
            name = _lake_name(table)
            if name is not None:
                refs.tables.setdefault(name, []).append(table)
            row_names.add((table.alias or table.name).lower())
        for column in tree.find_all(exp.Column):
            # Every part: `s.a` may be field `a` of struct column `s`, and in
            # `t.dates.start.localDate` the column is `dates` (catalog `t`, db `dates`).
            columns.update(part.name.lower() for part in column.parts)
            # `SELECT c FROM t AS c` is the whole row of `t` as a struct: every column.
            star = star or (not column.table and column.name.lower() in row_names)
        for join in tree.find_all(exp.Join):  # `USING (a, b)` names columns as identifiers
            columns.update(i.name.lower() for i in join.args.get("using") or [])
        # COUNT(*) needs no column; any other * may need them all
        star = star or any(not isinstance(s.parent, exp.Count) for s in tree.find_all(exp.Star))
        star = star or isinstance(tree, exp.Describe)
    refs.columns = None if star else columns
    return refs


def _lake_name(table: exp.Table) -> str | None:
    ns = table.db.lower()
    if not ns or table.catalog or ns not in NAMESPACES or not table.name:
        return None
    return f"{ns}.{table.name.lower()}"


def _from_duckdb_names(names: list[str]) -> QueryReferences:
    refs = QueryReferences(columns=None, parsed=False)
    for raw in names:
        text = raw.split(" AS ", 1)[0].replace('"', "").strip()
        parts = text.split(".")
        if len(parts) == 2 and parts[0].lower() in NAMESPACES:
            refs.tables.setdefault(f"{parts[0].lower()}.{parts[1].lower()}", [])
    return refs
