from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, sql_list, text

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
    if kind in ("date", "timestamp") and prop.options.formats:
        parsed = f"try_strptime(trim({text(prop)}), {sql_list(prop.options.formats)})"
    elif kind in _CASTS:
        parsed = f"TRY_CAST({prop.expr} AS {_CASTS[kind]})"
    else:
        return []
    return [
        ctx.make(
            prop,
            "type",
            f"{prop.expr} IS NOT NULL AND trim({text(prop)}) <> '' AND {parsed} IS NULL",
            f"`{prop.name}` must be a valid {kind}",
        )
    ]
