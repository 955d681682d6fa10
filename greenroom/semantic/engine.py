"""`SemanticLayer`: compile a semantic query and run it through a principal's reader.

The only way the assistant reads numbers. A period comparison runs the query for both
periods and joins them on the dimensions, adding `<metric>_previous`, `change` and
`growth` ((this − previous) / previous) for the first metric.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from greenroom.semantic.catalog import Catalog, get_catalog
from greenroom.semantic.compiler import CompiledQuery, compile_query, period_of
from greenroom.semantic.query import Filter, SemanticQuery
from greenroom.semantic.timeexpr import previous_period, shift_year

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.lake.reader import Reader

Period = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class SemanticResult:
    query: SemanticQuery
    table: pa.Table
    compiled: CompiledQuery
    period: Period | None
    previous_period: Period | None = None


class SemanticLayer:
    """Runs semantic queries for one reader (bound to one principal)."""

    def __init__(
        self,
        reader: Reader,
        today: dt.date,
        *,
        catalog: Catalog | None = None,
        dialect: str = "duckdb",
    ) -> None:
        self.reader = reader
        self.today = today
        self.catalog = catalog or get_catalog()
        self.dialect = dialect

    def compile(self, query: SemanticQuery, period: Period | None = None) -> CompiledQuery:
        return compile_query(
            query, self.today, catalog=self.catalog, dialect=self.dialect, period=period
        )

    def run(self, query: SemanticQuery) -> SemanticResult:
        split = _membership_split(query, self.catalog)
        if split is not None:
            return self._run_each(query, *split)
        compiled = self.compile(query)
        table = self.reader.sql(compiled.sql, compiled.params)
        if query.compare is None:
            return SemanticResult(query, table, compiled, compiled.period)
        span = period_of(query, self.today)
        if span is None:
            from greenroom.semantic.exceptions import SemanticError

            raise SemanticError("a comparison needs a period, e.g. `this year` or `2025`")
        before = shift_year(*span) if query.compare.kind == "year_ago" else previous_period(*span)
        earlier_sql = self.compile(query, period=before)
        earlier = self.reader.sql(earlier_sql.sql, earlier_sql.params)
        merged = _merge(table, earlier, list(query.dimensions), query.metrics[0])
        return SemanticResult(query, merged, compiled, span, before)

    def share_of(self, query: SemanticQuery, part: Filter) -> SemanticResult:
        """The first metric under `query` (which includes `part`) as a share of the same
        metric without `part`: one row with the part, `<metric>_total` and `share`."""
        import pyarrow as pa

        rest = tuple(f for f in query.filters if f != part)
        status = self.catalog.dimension("status")
        if part.dimension == status.name:  # "share of concerts that were cancelled": of all
            rest = (*rest, Filter(dimension=status.name, op="in", values=status.values))
        whole_query = query.with_changes(filters=rest)
        part_result = self.run(query)
        whole = self.run(whole_query).table
        metric = query.metrics[0]
        value = _first(part_result.table, metric)
        total = _first(whole, metric)
        share = value / total if value is not None and total not in (None, 0) else None
        table = pa.table({metric: [value], f"{metric}_total": [total], "share": [share]})
        return SemanticResult(query, table, part_result.compiled, part_result.period)

    def _run_each(self, query: SemanticQuery, dim: str, flt: Filter) -> SemanticResult:
        """A breakdown by a membership dimension over chosen values ("metal vs punk"): one
        query per value, each row labelled with its value (an artist of both counts in both)."""
        import pyarrow as pa

        parts = []
        last: SemanticResult | None = None
        for value in flt.values:
            one = query.with_changes(
                dimensions=tuple(d for d in query.dimensions if d != dim),
                filters=tuple(
                    Filter(dimension=dim, values=(value,)) if f == flt else f for f in query.filters
                ),
                order=tuple(o for o in query.order if o.by != dim),
                limit=None,
            )
            last = self.run(one)
            table = last.table
            parts.append(table.add_column(0, dim, pa.array([value] * table.num_rows, pa.string())))
        assert last is not None
        table = pa.concat_tables(parts, promote_options="permissive")
        return SemanticResult(query, table, last.compiled, last.period, last.previous_period)


def _membership_split(query: SemanticQuery, catalog: Catalog) -> tuple[str, Filter] | None:
    for flt in query.filters:
        dim = catalog.dimensions.get(flt.dimension)
        if dim is not None and dim.filter and flt.op == "in" and flt.dimension in query.dimensions:
            return flt.dimension, flt
    return None


def _first(table: pa.Table, column: str) -> float | None:
    if table.num_rows == 0:
        return None
    value = table.column(column)[0].as_py()
    return None if value is None else float(value)


def _merge(current: pa.Table, previous: pa.Table, dims: list[str], metric: str) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    prev = previous.select([*dims, metric]).rename_columns([*dims, f"{metric}_previous"])
    if dims:
        joined = current.join(prev, keys=dims, join_type="full outer")
    else:
        joined = current.append_column(
            f"{metric}_previous", pa.array([prev.column(0)[0].as_py() if prev.num_rows else None])
        )
    now = pc.cast(joined.column(metric), pa.float64())
    before = pc.cast(joined.column(f"{metric}_previous"), pa.float64())
    change = pc.subtract(now, before)
    safe = pc.if_else(pc.equal(before, 0), None, before)
    growth = pc.divide(change, safe)
    return joined.append_column("change", change).append_column("growth", growth)
