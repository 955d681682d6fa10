from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, sql_string, text


def pattern(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A present value must match the regular expression as a whole."""
    regex = prop.options.pattern
    if not regex:
        return []
    return [
        ctx.make(
            prop,
            "pattern",
            f"{prop.expr} IS NOT NULL AND NOT regexp_full_match({text(prop, ctx)}, {sql_string(regex)})",
            f"`{prop.name}` must match {regex}",
        )
    ]
