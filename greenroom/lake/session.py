"""`Session`: read-only SQL over the lake, in-process DuckDB.

Every Iceberg table `ns.name` is queryable as `ns.name`. Views are made lazily: a query
is parsed (sqlglot, DuckDB dialect), and only the tables it names are planned, each with
the filter its WHERE implies pushed into the pyiceberg scan (see `_pushdown`, `_views`).

The connection is locked down before any user SQL runs: only SELECT/EXPLAIN statements
pass, file access is limited to the warehouse directory, external access is off and the
configuration is locked so SQL cannot undo that.

A session without a governor is the `system` principal's (the pipeline and platform jobs).
A session with a :class:`~greenroom.lake.governor.Governor` reads for one principal: each
table becomes the governed view the governor describes, and the query must pass the guard
(`_guard`): lake tables, CTEs and registered relations only, no file or catalog functions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
from pyiceberg.expressions import AlwaysTrue, BooleanExpression, Or
from pyiceberg.schema import Schema

from greenroom.lake._guard import guard, lake_tables
from greenroom.lake._names import NAMESPACES
from greenroom.lake._pushdown import filter_for_reference
from greenroom.lake._references import QueryReferences, find_references
from greenroom.lake._views import ViewSource, plan_view, quote_ident
from greenroom.lake.exceptions import (
    AccessDeniedError,
    ColumnHiddenError,
    QueryError,
    QueryFailedError,
    ReadOnlyError,
    TableNotFoundError,
)
from greenroom.lake.records import ScanPlan

if TYPE_CHECKING:
    from greenroom.lake.governor import Governor, TableView
    from greenroom.lake.lakehouse import Lakehouse

_ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_GUARDED_MAX = 256


class Session:
    """A read-only DuckDB session over one `Lakehouse`; also a context manager."""

    def __init__(self, lake: Lakehouse | None, governor: Governor | None = None) -> None:
        self._lake = lake
        self._governor = governor
        self._registered: set[str] = set()
        self._shapes: dict[str, TableView] = {}  # governed tables planned in this session
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.RLock()
        self._views: dict[str, tuple[object, ...]] = {}
        self._keep: dict[str, object] = {}  # Arrow objects DuckDB views point at
        self._guarded: OrderedDict[Hashable, frozenset[str]] = OrderedDict()
        """Queries that passed the guard, and the lake tables they read (see `_guard_query`)."""
        self.last_plan: dict[str, ScanPlan] = {}
        """How each lake table of the last query was scanned (files planned vs total)."""

    @classmethod
    def detached(cls) -> Session:
        """A session over no lakehouse: only relations you `register` are queryable (for
        checking a few records before any lake exists)."""
        return cls(None)

    # ---- lifecycle ----------------------------------------------------------------------

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._views.clear()
            self._keep.clear()
            self._shapes.clear()
            self._guarded.clear()

    @property
    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = _locked_down_connection(self._warehouse_dir())
        return self._con

    def _warehouse_dir(self) -> Path | None:
        if self._lake is None:
            return None
        location = self._lake.settings.warehouse
        if location.startswith("file://"):
            return Path(location[len("file://") :])
        if "://" not in location:
            return Path(location)
        return None  # object storage: no local fast path

    # ---- API ----------------------------------------------------------------------------

    def rebind(self, governor: Governor) -> None:
        """Plan tables through `governor` from the next query on (a new policy version)."""
        with self._lock:
            self._governor = governor

    def register(self, name: str, data: pa.Table) -> None:
        """Make `data` queryable as `name` (unqualified) in this session's SQL."""
        if "." in name or not name.replace("_", "a").isalnum():
            raise QueryError(
                f"relation name `{name}` must be a plain identifier (letters, digits, _)", name
            )
        with self._lock:
            self._connection.register(name, data)
            self._keep[f"registered:{name}"] = data
            self._registered.add(name)

    def sql(self, query: str, params: Sequence[object] | None = None) -> pa.Table:
        """Run one read-only statement; the result as an Arrow table."""
        with self._lock:
            con = self._connection
            _check_read_only(query)
            self.last_plan = {}
            if self._lake is not None:  # a detached session has no lake tables to plan
                refs = find_references(query, _duckdb_table_names(con, query))
                tables: dict[str, list[object]] = {k: list(v) for k, v in refs.tables.items()}
                if self._governor is not None:  # DuckDB's own parse decides what is read
                    named = self._guard_query(con, query)
                    tables = {name: list(refs.tables.get(name, [])) for name in sorted(named)}
                for name, nodes in tables.items():
                    self._expose(name, nodes, refs)
            try:
                relation = con.sql(query, params=list(params) if params is not None else None)
                if relation is None:  # pragma: no cover - only non-queries return None
                    return pa.table({})
                return relation.to_arrow_table()
            except duckdb.Error as exc:
                raise self._hidden_column(exc, query) or _translate(exc, query) from None

    def _guard_query(self, con: duckdb.DuckDBPyConnection, query: str) -> frozenset[str]:
        """`guard`'s verdict on `query`, remembered: it depends only on the text and on the
        names in this connection's catalog (which CTE names may not shadow), and those
        follow from the relations registered and the views made — all in the key. A pooled
        session re-runs the same dashboard SQL after every lake change."""
        key = (query, frozenset(self._registered), frozenset(self._views), frozenset(self._keep))
        named = self._guarded.get(key)
        if named is None:
            named = frozenset(guard(con, query, self._registered).tables)
            self._guarded[key] = named
            while len(self._guarded) > _GUARDED_MAX:
                self._guarded.popitem(last=False)
        else:
            self._guarded.move_to_end(key)
        return named

    def _hidden_column(self, exc: duckdb.Error, query: str) -> Exception | None:
        """A binder error on a column the governor hid: say which policy hides it."""
        if not self._shapes or not isinstance(exc, duckdb.BinderException):
            return None
        missing = _quoted_name(str(exc).replace("column ", "with name ", 1))
        if missing is None:
            return None
        for table, shape in self._shapes.items():
            why = shape.hidden.get(missing.lower())
            if why is not None:
                return ColumnHiddenError(table, why.column, why.policy, why.reason, query)
        return None

    # ---- views --------------------------------------------------------------------------

    def _expose(
        self,
        name: str,
        nodes: Sequence[object],
        refs: QueryReferences,
        _planning: tuple[str, ...] = (),
    ) -> None:
        if self._lake is None:
            raise TableNotFoundError(name)
        table = self._lake.load_table(name)  # TableNotFoundError for an unknown table
        shape = None
        if self._governor is not None:
            from greenroom.lake._tags import parse_tags

            columns_ = [f.name for f in table.schema().fields]
            shape = self._governor.view(name, columns_, parse_tags(table.properties))
            self._shapes[name] = shape
            for dependency in shape.depends:  # a row filter that reads another table
                if dependency in _planning or dependency == name:
                    raise QueryError(f"the row filter of `{name}` reads itself", name)
                self._expose(dependency, [], QueryReferences(), (*_planning, name))
        protected = shape.protected if shape is not None else frozenset()
        row_filter = (
            _combined_filter(nodes, table.schema(), protected) if refs.parsed else AlwaysTrue()
        )
        snapshot = table.metadata.current_snapshot_id
        columns = refs.columns if shape is None or _plain(shape) else None
        key = (
            snapshot,
            str(row_filter),
            None if columns is None else frozenset(columns),
            None if shape is None else shape.version,
        )
        cached = self._views.get(name)
        if cached is not None and cached[0] == key:
            self.last_plan[name] = cached[1]  # type: ignore[assignment]
            return
        source = plan_view(table, name, row_filter, columns, self._warehouse_dir())
        self._create_view(name, source, shape)
        self._views[name] = (key, source.plan)
        self.last_plan[name] = source.plan

    def _create_view(self, name: str, source: ViewSource, shape: TableView | None) -> None:
        ns, table = name.split(".", 1)
        target = f"{quote_ident(ns)}.{quote_ident(table)}"
        con = self._connection
        if source.select_sql is not None:
            inner = source.select_sql
            self._keep.pop(name, None)
        else:
            relation = f"__lake_{ns}__{table}"
            con.register(relation, source.arrow)
            self._keep[name] = source.arrow
            inner = f"SELECT * FROM {quote_ident(relation)}"
        if shape is None:
            con.execute(f"CREATE OR REPLACE VIEW {target} AS {inner}")
            return
        held = set(source.columns)  # a plain view's scan may have projected columns away
        select = ", ".join(
            f"{expr} AS {quote_ident(out)}" for out, expr in shape.columns if out in held
        )
        where = f" WHERE {shape.where}" if shape.where else ""
        con.execute(
            f"CREATE OR REPLACE VIEW {target} AS SELECT {select or 'NULL AS _no_columns'} "
            f"FROM ({inner}) AS __source{where}"
        )


def _plain(shape: TableView) -> bool:
    """A view that passes every row and column through unchanged."""
    return shape.where is None and all(expr == quote_ident(out) for out, expr in shape.columns)


def _combined_filter(
    nodes: Sequence[object], schema: Schema, protected: frozenset[str] = frozenset()
) -> BooleanExpression:
    """OR of the filters of every reference: each reference must find all its rows."""
    from sqlglot import exp

    combined: BooleanExpression | None = None
    for node in nodes:
        assert isinstance(node, exp.Table)
        expr = filter_for_reference(node, schema, protected)
        if isinstance(expr, AlwaysTrue):
            return AlwaysTrue()
        combined = expr if combined is None else Or(combined, expr)
    return combined if combined is not None else AlwaysTrue()


def _locked_down_connection(warehouse: Path | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET python_enable_replacements = false")  # no reading Python variables
    for ns in NAMESPACES:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(ns)}")
    if warehouse is not None:
        allowed = str(warehouse.resolve()).replace("'", "''") + "/"
        con.execute(f"SET allowed_directories = ['{allowed}']")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _check_read_only(query: str) -> None:
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise _translate(exc, query) from None
    if len(statements) != 1:
        raise QueryError(f"send exactly one statement per call (got {len(statements)})", query)
    kind = statements[0].type
    if kind not in _ALLOWED:
        raise ReadOnlyError(
            f"the SQL session is read-only: `{kind.name}` statements are not allowed; "
            "write through the pipeline (Lakehouse.append/overwrite)"
        )


def _duckdb_table_names(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The tables DuckDB says `query` reads (the fallback when sqlglot cannot parse it)."""
    try:
        return sorted(con.get_table_names(query, qualified=True))
    except duckdb.Error:  # e.g. "Unexpected prepared parameter": ask its parse tree
        return lake_tables(con, query)


def _translate(exc: duckdb.Error, query: str) -> Exception:
    message = _one_line(exc)
    if isinstance(exc, duckdb.CatalogException) and "does not exist" in message:
        missing = _quoted_name(message)
        if missing is not None and "." not in missing and "Table" in message:
            return TableNotFoundError(missing)
    if isinstance(exc, duckdb.PermissionException):
        return AccessDeniedError(
            f"{message}; the SQL session reads lake tables only, not host files", query
        )
    if isinstance(exc, (duckdb.OutOfMemoryException, duckdb.IOException, duckdb.InternalException)):
        return QueryFailedError(f"the query failed while running: {message}")
    if isinstance(exc, duckdb.ParserException):
        return QueryError(message, query, "check the SQL syntax (DuckDB dialect)")
    return QueryError(message, query)


def _one_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    if not lines:
        return type(exc).__name__
    first = lines[0]
    hints = [ln for ln in lines[1:] if ln.startswith(("Did you mean", "Candidate bindings"))]
    return "; ".join([first, *hints[:1]])


def _quoted_name(message: str) -> str | None:
    marker = "with name "
    if marker not in message:
        return None
    rest = message.split(marker, 1)[1]
    return rest.split(" ", 1)[0].strip('"!')
