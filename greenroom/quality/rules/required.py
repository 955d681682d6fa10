from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, blank


def required(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A required property must be present and not blank."""
    if not prop.required:
        return []
    return [ctx.make(prop, "required", blank(prop, ctx), f"`{prop.name}` is required")]
