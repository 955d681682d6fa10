from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, sql_list, text


def enum(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A present value must be one of the listed values (case-insensitive)."""
    values = prop.options.enum
    if not values:
        return []
    lowered = sql_list([v.lower() for v in values])
    return [
        ctx.make(
            prop,
            "enum",
            f"{prop.expr} IS NOT NULL AND NOT list_contains({lowered}, lower(trim({text(prop, ctx)})))",
            f"`{prop.name}` must be one of {', '.join(values)}",
        )
    ]
