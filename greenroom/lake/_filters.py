"""Row filters given as strings (`"_batch_id = 'b1'"`), parsed and checked against a table."""

from __future__ import annotations

from pyiceberg.expressions import AlwaysTrue, BooleanExpression
from pyiceberg.expressions.parser import parse
from pyiceberg.expressions.visitors import bind
from pyiceberg.schema import Schema

from greenroom.lake.exceptions import InvalidFilterError


def parse_filter(where: str | None, schema: Schema, table: str) -> BooleanExpression:
    """Parse `where` (pyiceberg row-filter syntax) and bind it to `schema` to catch typos early."""
    if where is None or not where.strip():
        return AlwaysTrue()
    try:
        expr = parse(where)
    except Exception as exc:  # pyparsing raises its own exception types
        raise InvalidFilterError(
            f"row filter `{where}` for `{table}` does not parse ({_first_line(exc)}); "
            "write it like `col = 'x' AND n > 3`"
        ) from None
    try:
        bind(schema, expr, case_sensitive=True)
    except Exception as exc:
        raise InvalidFilterError(
            f"row filter `{where}` does not fit `{table}` ({_first_line(exc)}); "
            f"its columns are {', '.join(f.name for f in schema.fields)}"
        ) from None
    return expr


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
