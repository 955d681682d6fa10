"""Turn simple WHERE conjuncts of a SQL query into a pyiceberg row filter for one table.

Only a *superset* of the rows the query needs may be selected: DuckDB still applies the
full WHERE, so the filter exists to let pyiceberg skip files by partition values and
column statistics. A conjunct is pushed only when it is `col op literal`, `col IN (...)`,
`col BETWEEN a AND b`, `col IS [NOT] NULL` (or an AND/OR of those) on a column of that
table, with a literal whose meaning cannot differ between DuckDB and Iceberg; anything
else is left to DuckDB. Tables on the null-supplying side of an outer join, in ASOF or
POSITIONAL joins, or sampled, get no filter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pyiceberg.expressions import (
    AlwaysTrue,
    And,
    BooleanExpression,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    NotNull,
    Or,
)
from pyiceberg.expressions.visitors import bind
from pyiceberg.schema import Schema
from pyiceberg.types import (
    BooleanType,
    DateType,
    DoubleType,
    IcebergType,
    IntegerType,
    LongType,
    StringType,
    TimestampType,
    TimestamptzType,
)
from sqlglot import exp

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_COMPARISONS: dict[type[exp.Expr], Any] = {
    exp.EQ: EqualTo,
    exp.GT: GreaterThan,
    exp.GTE: GreaterThanOrEqual,
    exp.LT: LessThan,
    exp.LTE: LessThanOrEqual,
}
_FLIPPED: dict[type[exp.Expr], type[exp.Expr]] = {
    exp.EQ: exp.EQ,
    exp.GT: exp.LT,
    exp.GTE: exp.LTE,
    exp.LT: exp.GT,
    exp.LTE: exp.GTE,
}


class _NoPush(Exception):
    """This conjunct cannot be pushed; DuckDB alone evaluates it."""


def filter_for_reference(
    ref: exp.Table, schema: Schema, protected: frozenset[str] = frozenset()
) -> BooleanExpression:
    """The row filter implied by the WHERE of the SELECT that reads `ref` directly.

    No conjunct naming a `protected` column (lower case; masked or hidden from the reader)
    is pushed: its raw values must not decide which rows the scan returns.
    """
    select = _owning_select(ref)
    if select is None or ref.args.get("sample") is not None or _nullable_or_unsafe(ref, select):
        return AlwaysTrue()
    where = select.args.get("where")
    if where is None:
        return AlwaysTrue()
    resolver = _Resolver(ref, select, schema)
    pushed: list[BooleanExpression] = []
    condition: exp.Expr = where.this
    for conjunct in condition.flatten() if isinstance(condition, exp.And) else [condition]:
        if protected and any(c.name.lower() in protected for c in conjunct.find_all(exp.Column)):
            continue
        try:
            expr = resolver.translate(conjunct)
            bind(schema, expr, case_sensitive=True)
        except Exception:  # anything we cannot prove safe stays with DuckDB
            continue
        pushed.append(expr)
    if not pushed:
        return AlwaysTrue()
    return pushed[0] if len(pushed) == 1 else And(*pushed)


def _owning_select(ref: exp.Table) -> exp.Select | None:
    parent = ref.parent
    if not isinstance(parent, (exp.From, exp.Join)):
        return None
    select = parent.parent
    return select if isinstance(select, exp.Select) else None


def _nullable_or_unsafe(ref: exp.Table, select: exp.Select) -> bool:
    joins: list[exp.Join] = list(select.args.get("joins") or [])
    for join in joins:
        if (join.args.get("method") or "").upper() in ("ASOF", "POSITIONAL"):
            return True
    own = joins.index(ref.parent) if isinstance(ref.parent, exp.Join) else -1
    if own >= 0 and (joins[own].args.get("side") or "").upper() in ("LEFT", "FULL"):
        return True
    later = joins[own + 1 :]
    return any((j.args.get("side") or "").upper() in ("RIGHT", "FULL") for j in later)


class _Resolver:
    def __init__(self, ref: exp.Table, select: exp.Select, schema: Schema) -> None:
        self.alias = ref.alias_or_name.lower()
        sources = 1 + len(select.args.get("joins") or [])
        self.single_source = sources == 1
        self.fields = {f.name.lower(): f for f in schema.fields}

    def translate(self, node: exp.Expr) -> BooleanExpression:
        if isinstance(node, exp.Paren):
            return self.translate(node.this)
        if isinstance(node, exp.And):
            return And(self.translate(node.left), self.translate(node.right))
        if isinstance(node, exp.Or):
            return Or(self.translate(node.left), self.translate(node.right))
        if type(node) in _COMPARISONS:
            return self._comparison(node)
        if isinstance(node, exp.In) and not node.args.get("query") and not node.args.get("unnest"):
            name, ftype = self._column(node.this)
            return _make(In, name, {_literal(v, ftype) for v in node.expressions})
        if isinstance(node, exp.Between):
            name, ftype = self._column(node.this)
            low, high = _literal(node.args["low"], ftype), _literal(node.args["high"], ftype)
            return And(_make(GreaterThanOrEqual, name, low), _make(LessThanOrEqual, name, high))
        if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
            return _make(IsNull, self._column(node.this)[0])
        if (
            isinstance(node, exp.Not)
            and isinstance(node.this, exp.Is)
            and isinstance(node.this.expression, exp.Null)
        ):
            return _make(NotNull, self._column(node.this.this)[0])
        raise _NoPush

    def _comparison(self, node: exp.Expr) -> BooleanExpression:
        op: type[exp.Expr] = type(node)
        left, right = node.args["this"], node.args["expression"]
        if not isinstance(left, exp.Column):
            left, right, op = right, left, _FLIPPED[op]
        name, ftype = self._column(left)
        return _make(_COMPARISONS[op], name, _literal(right, ftype))

    def _column(self, node: exp.Expr) -> tuple[str, IcebergType]:
        if not isinstance(node, exp.Column) or node.args.get("db") or node.args.get("catalog"):
            raise _NoPush
        qualifier = node.table.lower()
        if qualifier and qualifier != self.alias:
            raise _NoPush
        if not qualifier and not self.single_source:
            raise _NoPush
        field = self.fields.get(node.name.lower())
        if field is None:
            raise _NoPush
        return field.name, field.field_type


def _make(cls: Any, *args: object) -> BooleanExpression:
    """Build a pyiceberg predicate (its pydantic signature confuses type checkers)."""
    expr: BooleanExpression = cls(*args)
    return expr


def _literal(node: exp.Expr, ftype: IcebergType) -> object:
    """The Python value of literal `node` compared to a column of `ftype`, or `_NoPush`."""
    if isinstance(node, exp.Paren):
        return _literal(node.this, ftype)
    if isinstance(node, exp.Boolean):
        if isinstance(ftype, BooleanType):
            return bool(node.this)
        raise _NoPush
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return _number("-" + str(node.this.this), ftype)
    if isinstance(node, exp.Literal):
        text = str(node.this)
        return _string(text, ftype, None) if node.is_string else _number(text, ftype)
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        return _string(str(node.this.this), ftype, node.to.this)
    raise _NoPush


def _number(text: str, ftype: IcebergType) -> object:
    if isinstance(ftype, (IntegerType, LongType)) and _INT.match(text):
        return int(text)
    if isinstance(ftype, DoubleType) and _FLOAT.match(text):
        return float(text)
    raise _NoPush


def _string(text: str, ftype: IcebergType, cast_to: object) -> object:
    is_date_cast = cast_to == exp.DataType.Type.DATE
    is_ts_cast = cast_to in (
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.TIMESTAMPNTZ,
        exp.DataType.Type.TIMESTAMPTZ,
    )
    text_cast = cast_to is None or cast_to in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT)
    if isinstance(ftype, StringType) and text_cast:
        return text
    if (
        isinstance(ftype, DateType)
        and (text_cast or is_date_cast)
        and _ISO_DATE.match(text.strip())
    ):
        return text.strip()
    if isinstance(ftype, (TimestampType, TimestamptzType)) and (
        text_cast or is_date_cast or is_ts_cast
    ):
        if is_date_cast and not _ISO_DATE.match(text.strip()):
            raise _NoPush
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise _NoPush from None
        if isinstance(ftype, TimestampType):
            if value.tzinfo is not None or cast_to == exp.DataType.Type.TIMESTAMPTZ:
                raise _NoPush
            return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
        # the session runs in UTC, so DuckDB reads a naive literal as UTC too
        aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return aware.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    raise _NoPush


def describe(expr: BooleanExpression) -> str:
    """A short, stable text for a filter (for `ScanPlan.row_filter` and logs)."""
    return "true" if isinstance(expr, AlwaysTrue) else str(expr)
