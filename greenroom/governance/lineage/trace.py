"""Column lineage of one SQL job with sqlglot: for each output column, the columns of the
relations it reads that its value is computed from.

The query is prepared (`_sqlprep`), qualified against the known schemas (so `*` and
`USING` resolve), and each output column is walked with `sqlglot.lineage`. Leaves are
columns of relations (an edge each), projections without column inputs (a constant or a
`count(*)`: an edge to the rows of the relations they are selected from), or columns
sqlglot could not resolve. A column sqlglot cannot follow all the way gets table-level
edges to every relation the job reads, marked `precise=False`; nothing here raises for
SQL that DuckDB accepts and sqlglot does not understand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope
from sqlglot.schema import MappingSchema

from greenroom.governance.lineage import _sqlprep
from greenroom.governance.lineage.records import (
    Edge,
    Job,
    JobLineage,
    Subtype,
    sorted_edges,
    stronger,
)
from greenroom.governance.lineage.schemas import Schemas

Key = tuple[str, str]


@dataclass
class _Inputs:
    columns: dict[Key, Subtype] = field(default_factory=dict)
    rows: set[str] = field(default_factory=set)
    unresolved: bool = False

    def merge(self, other: _Inputs, hop: Subtype) -> None:
        for key, subtype in other.columns.items():
            self.columns[key] = stronger(self.columns.get(key), stronger(hop, subtype)) or hop
        self.rows |= other.rows
        self.unresolved |= other.unresolved


def trace_job(job: Job, schemas: Schemas) -> JobLineage:
    """The lineage of `job`'s SQL against `schemas` (which it does not change)."""
    assert job.sql is not None
    try:
        prepared = _sqlprep.prepare(_sqlprep.parse(job.sql))
    except SqlglotError as exc:
        note = f"`{job.transformation}` does not parse in sqlglot ({_first_line(exc)}); no lineage"
        return JobLineage(job, (), (), (note,))
    reads = sorted(_sqlprep.relations(prepared) - {job.target})
    table_edges = [Edge(job.target, None, r, None, job.transformation) for r in reads]
    mapping: dict[str, object] = dict(schemas.mapping())
    schema = MappingSchema(mapping, dialect=_sqlprep.DIALECT)
    try:
        qualified = qualify(
            prepared.copy(),
            schema=schema,
            dialect=_sqlprep.DIALECT,
            validate_qualify_columns=False,
            allow_partial_qualification=True,
            identify=False,
        )
        scope = build_scope(qualified)
        if scope is None:
            raise SqlglotError("not a query")
    except Exception as exc:  # sqlglot raises more than SqlglotError on odd SQL
        named = prepared.named_selects if isinstance(prepared, exp.Query) else []
        columns = tuple(n for n in named if n != "*")
        if "*" in named:  # what the stored table holds is the best guess there is
            columns += tuple(c for c in schemas.columns(job.target) if c not in columns)
        note = f"`{job.transformation}`: sqlglot cannot qualify it ({_first_line(exc)}); table-level lineage only"
        edges = [
            Edge(job.target, c, r, None, job.transformation, precise=False)
            for c in columns
            for r in reads
        ]
        return JobLineage(job, columns, sorted_edges([*table_edges, *edges]), (note,))
    return _trace_columns(job, prepared, qualified, scope, schema, schemas, reads, table_edges)


def _trace_columns(
    job: Job,
    prepared: exp.Expr,
    qualified: exp.Expr,
    scope: Scope,
    schema: MappingSchema,
    schemas: Schemas,
    reads: list[str],
    table_edges: list[Edge],
) -> JobLineage:
    spelling = _spelling(prepared, schemas, job.target)
    ctes = _cte_relations(qualified)
    edges: set[Edge] = set(table_edges)
    warnings: list[str] = []
    columns: list[str] = []
    names = qualified.named_selects if isinstance(qualified, exp.Query) else []
    for name in names:
        column = spelling.get(name.lower(), name)
        if column == "*":
            warnings.append(
                f"`{job.transformation}`: a `*` did not expand; its columns are unknown"
            )
            continue
        columns.append(column)
        try:
            with _quiet_sqlglot():
                root = lineage(
                    name,
                    qualified,
                    schema,
                    dialect=_sqlprep.DIALECT,
                    scope=scope,
                    trim_selects=False,
                    copy=False,
                )
            found = _Walker(schemas, ctes).inputs(root)
        except Exception as exc:  # any sqlglot gap degrades this column, never the run
            warnings.append(f"`{job.target}.{column}`: sqlglot failed ({_first_line(exc)})")
            found = _Inputs(unresolved=True)
        for (table, source_column), subtype in found.columns.items():
            edges.add(
                Edge(job.target, column, table, source_column, job.transformation, True, subtype)
            )
        # Rows matter only to a value no column feeds (a constant, a count(*)): a
        # constant branch beside real inputs (`CAST(NULL AS …)` in one UNION branch) adds none.
        for table in () if found.columns else found.rows:
            edges.add(Edge(job.target, column, table, None, job.transformation))
        if found.unresolved:
            warnings.append(
                f"`{job.target}.{column}`: an input is not traceable; table-level lineage"
            )
            for table in reads:
                edges.add(Edge(job.target, column, table, None, job.transformation, precise=False))
    return JobLineage(job, tuple(columns), sorted_edges(edges), tuple(warnings))


class _Walker:
    """Folds a sqlglot lineage tree into the relation columns it bottoms out in."""

    def __init__(self, schemas: Schemas, ctes: dict[str, set[str]]) -> None:
        self._schemas = schemas
        self._ctes = ctes
        self._memo: dict[int, _Inputs] = {}

    def inputs(self, node: Node) -> _Inputs:
        known = self._memo.get(id(node))
        if known is not None:
            return known
        out = _Inputs()
        if isinstance(node.expression, exp.Query):
            # sqlglot found no projection of that name in the scope (a column a Python
            # job adds to a relation): it points at the whole query; trust none of it.
            out.unresolved = True
        elif node.downstream:
            hop = _hop(node)
            for child in node.downstream:
                out.merge(self.inputs(child), hop)
        else:
            self._leaf(node, out)
        self._memo[id(node)] = out
        return out

    def _leaf(self, node: Node, out: _Inputs) -> None:
        expression = node.expression
        if node.name == "*":
            out.unresolved = True  # an unexpanded star: any column of the source may flow in
        elif isinstance(expression, exp.Table):
            relation = _sqlprep.relation_name(expression)
            column = node.name.rsplit(".", 1)[-1].strip('"')
            out.columns[(relation, self._schemas.canonical(relation, column))] = "IDENTITY"
        elif isinstance(expression, exp.Placeholder) or isinstance(node.source, exp.Placeholder):
            out.unresolved = True
        elif isinstance(node.source, exp.Query):
            out.rows |= self._row_sources(node.source)
        else:
            out.unresolved = True

    def _row_sources(self, select: exp.Query) -> set[str]:
        """The relations whose rows a projection without column inputs is selected from."""
        found: set[str] = set()
        sources = [select.args.get("from_")]
        sources += [join.this for join in select.args.get("joins") or ()]
        for source in sources:
            if source is None:
                continue
            for table in source.find_all(exp.Table):
                if not table.db and table.name in self._ctes:
                    found |= self._ctes[table.name]
                elif table.name:
                    found.add(_sqlprep.relation_name(table))
        return found


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning where it gives up on a subquery; the walker reports it."""
    logger = logging.getLogger("sqlglot")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _hop(node: Node) -> Subtype:
    """How one step of the walk transforms its inputs."""
    if isinstance(node.source, exp.SetOperation):
        return "IDENTITY"  # a UNION node passes each branch through
    expression = node.expression
    if isinstance(expression, exp.Alias):
        expression = expression.this
    if isinstance(expression, exp.Column | exp.Star):
        return "IDENTITY"
    if expression.find(exp.AggFunc):
        return "AGGREGATION"
    return "TRANSFORMATION"


def _cte_relations(tree: exp.Expr) -> dict[str, set[str]]:
    """CTE name → the relations it reads, following CTEs that read CTEs."""
    direct: dict[str, set[str]] = {}
    for cte in tree.find_all(exp.CTE):
        direct[cte.alias_or_name] = {
            t.name if not t.db else _sqlprep.relation_name(t) for t in cte.this.find_all(exp.Table)
        }
    resolved: dict[str, set[str]] = {}

    def expand(name: str, seen: frozenset[str]) -> set[str]:
        if name in resolved:
            return resolved[name]
        out: set[str] = set()
        for rel in direct.get(name, set()):
            if rel in direct and rel not in seen:
                out |= expand(rel, seen | {rel})
            elif rel not in direct:
                out.add(rel)
        resolved[name] = out
        return out

    return {name: expand(name, frozenset({name})) for name in direct}


def _spelling(tree: exp.Expr, schemas: Schemas, target: str) -> dict[str, str]:
    """Lower-cased output name → the name as the model (or the stored table) spells it."""
    spelled = {c.lower(): c for c in schemas.columns(target)}
    names = tree.named_selects if isinstance(tree, exp.Query) else []
    spelled.update({n.lower(): n for n in names})
    return spelled


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
