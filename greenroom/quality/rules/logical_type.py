from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, blank, sql_list, sql_string, text

_CASTS = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


def logical_type(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A present value must read as its logical type (dates in one of the known formats)."""
    kind = prop.logical_type
    formats = prop.options.formats
    if kind in ("date", "timestamp") and formats:
        value = text(prop, ctx)
        # The first format is the clean one most values use: try it as is before trimming
        # and trying every format.
        parsed = (
            f"coalesce(try_strptime({value}, {sql_string(formats[0])}), "
            f"try_strptime(trim({value}), {sql_list(formats)}))"
        )
    elif kind in _CASTS:
        parsed = f"TRY_CAST({prop.expr} AS {_CASTS[kind]})"
    else:
        return []
    return [
        ctx.make(
            prop,
            "type",
            f"{prop.expr} IS NOT NULL AND {parsed} IS NULL AND NOT ({blank(prop, ctx)})",
            f"`{prop.name}` must be a valid {kind}",
        )
    ]
