"""Getting a model's SQL ready for sqlglot's qualifier and lineage walker.

Two rewrites, neither changing what the query computes:

- unqualified relations that are not CTEs (ephemeral models, `ref_*`, `params`) get the
  pseudo namespace `_`, so every relation in the schema sits at the same depth;
- projections without a unique name get one (`_col_<i>`): DuckDB lines up `UNION ALL`
  branches by position, and `SELECT 'online', order_id, order_id` must still expand under
  `SELECT *` with one name per column for sqlglot to follow a column by position.
"""

from __future__ import annotations

from collections import defaultdict

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

from greenroom.governance.lineage.schemas import PSEUDO_DB

DIALECT = "duckdb"


def parse(sql: str) -> exp.Expr:
    return parse_one(sql, dialect=DIALECT)


def relation_name(table: exp.Table) -> str:
    """`bronze.x` for a namespaced table, `stg_sales` for one in the pseudo namespace."""
    db = table.db
    return table.name if not db or db == PSEUDO_DB else f"{db}.{table.name}"


def cte_names(tree: exp.Expr) -> set[str]:
    return {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def prepare(tree: exp.Expr) -> exp.Expr:
    """A copy of `tree` with pseudo-namespaced relations and unique projection names."""
    tree = tree.copy()
    ctes = cte_names(tree)
    for table in tree.find_all(exp.Table):
        if not table.db and table.name and table.name not in ctes:
            table.set("db", exp.to_identifier(PSEUDO_DB))
    for select in tree.find_all(exp.Select):
        _name_projections(select, top=select is _output_select(tree))
    return tree


def _output_select(tree: exp.Expr) -> exp.Expr:
    """The select whose names become the output columns (the first union branch)."""
    node = tree
    while isinstance(node, exp.SetOperation):
        node = node.this
    return node


def _name_projections(select: exp.Select, *, top: bool) -> None:
    seen: set[str] = set()
    for i, projection in enumerate(select.expressions):
        if isinstance(projection, exp.Star) or (
            isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
        ):
            continue
        if isinstance(projection, exp.Alias):
            name = projection.alias
        elif isinstance(projection, exp.Column):
            name = projection.name
        else:  # keep an output column's engine-given name; sqlglot names it alike
            name = "" if not top else projection.alias_or_name
        if not name or name in seen:
            name = f"_col_{i}"
            projection.replace(exp.alias_(projection.copy(), name))
        seen.add(name)


def relations(tree: exp.Expr) -> set[str]:
    """Every relation a (prepared) query reads, CTEs excluded."""
    ctes = cte_names(tree)
    return {
        relation_name(t)
        for t in tree.find_all(exp.Table)
        if t.name and not (not t.db and t.name in ctes)
    }


def referenced_columns(tree: exp.Expr) -> dict[str, set[str]]:
    """Relation → the top-level columns a (prepared) query references on it.

    `e.dates."start".localDate` references `dates` of the relation aliased `e`; an
    unqualified column belongs to the only relation of its scope."""
    found: dict[str, set[str]] = defaultdict(set)
    try:
        scopes = traverse_scope(tree)
    except (SqlglotError, ValueError):  # best effort: tracing reports what fails
        return {}
    for scope in scopes:
        selected = {alias: source for alias, (_, source) in scope.selected_sources.items()}
        tables = {
            alias: relation_name(source)
            for alias, source in selected.items()
            if isinstance(source, exp.Table)
        }
        only = next(iter(tables.values())) if len(selected) == 1 and tables else None
        aliases = {p.alias for p in getattr(scope.expression, "selects", []) if p.alias}
        for column in scope.columns:
            parts = [p.name for p in column.parts]
            if len(parts) > 1 and parts[0] in tables:
                found[tables[parts[0]]].add(parts[1])
            elif only is not None and parts and parts[0] not in {*tables, *aliases}:
                found[only].add(parts[0])
    return dict(found)
