"""`SemanticQuery` → SQL.

Metrics that share a grain (and a metric-level condition such as "completed concerts
only") are computed in one aggregate; several such groups are joined on the query's
dimensions. Every filter value becomes a numbered parameter (`$1`, `$2`, …): the SQL that
runs never contains text from a question. `display_sql` inlines the values as literals
for people to read. The SQL is written in DuckDB's dialect and rendered with sqlglot, so
another dialect is a setting (`dialect=`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from greenroom.semantic.catalog import Catalog, Dimension, Grain, Metric, get_catalog
from greenroom.semantic.exceptions import IncompatibleQueryError, SemanticError
from greenroom.semantic.query import Filter, SemanticQuery
from greenroom.semantic.timeexpr import resolve_relative


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    """The SQL to run, with `$n` parameters."""
    params: list[object]
    display_sql: str
    """The same SQL with the parameters inlined as literals."""
    period: tuple[dt.date | None, dt.date | None] | None = None


@dataclass
class _Params:
    values: list[object] = field(default_factory=list)

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def period_of(query: SemanticQuery, today: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
    """The query's ``[start, end)`` over `event_date`, or None for all time."""
    if query.time is None:
        return None
    if query.time.relative:
        return resolve_relative(query.time.relative, today)
    return query.time.start, query.time.end


def compile_query(
    query: SemanticQuery,
    today: dt.date,
    *,
    catalog: Catalog | None = None,
    dialect: str = "duckdb",
    period: tuple[dt.date | None, dt.date | None] | None = None,
) -> CompiledQuery:
    """Compile `query`; `period` overrides the query's own time range (comparisons)."""
    cat = catalog or get_catalog()
    metrics = [cat.metric(m) for m in query.metrics]
    dims = [cat.dimension(d) for d in query.dimensions]
    filters = [(cat.dimension(f.dimension), f) for f in query.filters]
    span = period if period is not None else period_of(query, today)
    _check_order(query)
    params = _Params()
    groups: dict[tuple[str, str | None], list[Metric]] = {}
    for metric in metrics:
        grain = cat.grain_for(metric, dims + [d for d, _ in filters])
        groups.setdefault((grain.name, metric.where), []).append(metric)
    parts = [
        _aggregate(cat.grains[g], where, ms, dims, filters, span, params)
        for (g, where), ms in groups.items()
    ]
    names = [d.name for d in dims]
    if len(parts) == 1:
        body = parts[0]
    else:
        ctes = ",\n".join(f"m{i} AS ({p})" for i, p in enumerate(parts))
        joined = " ".join(
            (f"FULL JOIN m{i} USING ({', '.join(names)})" if names else f"CROSS JOIN m{i}")
            for i in range(1, len(parts))
        )
        cols = ", ".join([*names, *(m.name for m in metrics)])
        body = f"WITH {ctes}\nSELECT {cols} FROM m0 {joined}"
    if query.share:
        first = metrics[0].name
        body = f"SELECT *, {first} / NULLIF(SUM({first}) OVER (), 0) AS share FROM ({body}) t"
    body += _order_limit(query, dims, metrics)
    tree = sqlglot.parse_one(body, dialect="duckdb")
    display = tree.copy().transform(lambda node: _inline(node, params.values))
    return CompiledQuery(
        sql=tree.sql(dialect=dialect, pretty=True),
        params=params.values,
        display_sql=display.sql(dialect=dialect, pretty=True),
        period=span,
    )


def _aggregate(
    grain: Grain,
    where: str | None,
    metrics: list[Metric],
    dims: list[Dimension],
    filters: list[tuple[Dimension, Filter]],
    span: tuple[dt.date | None, dt.date | None] | None,
    params: _Params,
) -> str:
    needed: set[str] = set(grain.always)
    for dim in dims + [d for d, _ in filters]:
        needed |= dim.aliases
    if span is not None or where:
        needed.add("c")
    for text in [where or "", *(m.expr_at(grain.name) for m in metrics)]:
        needed |= {a for a in grain.joins if re.search(rf"\b{a}\.", text)}
    if not grain.holds(needed):
        raise IncompatibleQueryError(
            f"metric `{metrics[0].name}` has no event date or cannot take these filters; "
            "ask it without a period or without those filters"
        )
    joins = [grain.joins[a] for a in grain.joins if a in needed]
    conditions: list[str] = []
    if grain.default_filter and not any(d.name == "status" for d in dims + [d for d, _ in filters]):
        conditions.append(grain.default_filter)
    if where:
        conditions.append(where)
    conditions += [_condition(d, f, params) for d, f in filters]
    if span is not None:
        start, end = span
        if start is not None:
            conditions.append(
                f"c.event_date >= CAST({params.add(start.isoformat())} AS TIMESTAMPTZ)"
            )
        if end is not None:
            conditions.append(f"c.event_date < CAST({params.add(end.isoformat())} AS TIMESTAMPTZ)")
    select = [f"{d.expr} AS {d.name}" for d in dims]
    select += [f"{m.expr_at(grain.name)} AS {m.name}" for m in metrics]
    sql = f"SELECT {', '.join(select)} FROM {grain.source} {' '.join(joins)}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    if dims:
        sql += " GROUP BY " + ", ".join(str(i + 1) for i in range(len(dims)))
    return sql


def _condition(dim: Dimension, flt: Filter, params: _Params) -> str:
    values = [_coerce(dim, v) for v in flt.values]
    if dim.filter is not None:  # membership-style dimensions (genre ∈ genres)
        if flt.op not in ("eq", "in", "ne", "not_in"):
            raise SemanticError(f"dimension `{dim.name}` takes only equality filters")
        each = [dim.filter.format(value=params.add(v)) for v in values]
        test = "(" + " OR ".join(each) + ")"
        return f"NOT {test}" if flt.op in ("ne", "not_in") else test
    if flt.op in ("eq", "ne") and len(values) != 1:
        raise SemanticError(f"`{flt.op}` on `{dim.name}` takes one value; use `in`")
    if flt.op == "eq":
        return f"{dim.expr} = {params.add(values[0])}"
    if flt.op == "ne":
        return f"{dim.expr} <> {params.add(values[0])}"
    if flt.op in ("in", "not_in"):
        listed = ", ".join(params.add(v) for v in values)
        return f"{dim.expr} {'NOT IN' if flt.op == 'not_in' else 'IN'} ({listed})"
    if flt.op == "gte":
        return f"{dim.expr} >= {params.add(values[0])}"
    if flt.op == "lte":
        return f"{dim.expr} <= {params.add(values[0])}"
    if len(values) != 2:
        raise SemanticError(f"`between` on `{dim.name}` takes two values")
    return f"{dim.expr} BETWEEN {params.add(values[0])} AND {params.add(values[1])}"


def _coerce(dim: Dimension, value: str | int | float) -> object:
    if dim.time and dim.name != "weekday":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SemanticError(f"`{dim.name}` filters take whole numbers, not `{value}`") from None
    if dim.values and str(value).lower() not in dim.values:
        raise SemanticError(f"`{value}` is not a {dim.label}; use one of {', '.join(dim.values)}")
    return str(value).lower() if dim.values else str(value)


def _check_order(query: SemanticQuery) -> None:
    known = {*query.metrics, *query.dimensions, "share"}
    for order in query.order:
        if order.by not in known:
            raise SemanticError(
                f"cannot order by `{order.by}`: order by one of the query's metrics or "
                f"dimensions ({', '.join(sorted(known))})"
            )


def _order_limit(query: SemanticQuery, dims: list[Dimension], metrics: list[Metric]) -> str:
    terms: list[str] = []
    for order in query.order:
        terms.append(f"{order.by} {'DESC' if order.descending else 'ASC'} NULLS LAST")
    if not query.order:
        for dim in dims:
            if dim.order:
                listed = ", ".join(f"'{v}'" for v in dim.order)
                terms.append(f"list_position([{listed}], {dim.name})")
            elif dim.time:
                terms.append(dim.name)
        if dims and not terms:  # a breakdown: biggest first, as people read them
            best = metrics[0]
            terms.append(f"{best.name} {'ASC' if best.better == 'lower' else 'DESC'} NULLS LAST")
    terms += [d.name for d in dims if not any(t.startswith(d.name) for t in terms)]
    sql = f" ORDER BY {', '.join(terms)}" if terms else ""
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit)}"
    return sql


def _inline(node: exp.Expression, values: list[object]) -> exp.Expression:
    if isinstance(node, exp.Placeholder) and str(node.this).isdigit():
        value = values[int(node.this) - 1]
        if isinstance(value, int | float):
            return exp.Literal.number(value)
        return exp.Literal.string(str(value))
    return node
