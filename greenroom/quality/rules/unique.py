from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext, text


def seen_relation(feed: str, prop: str) -> str:
    """The relation holding the values of `feed.prop` already in the lake."""
    return f"seen__{feed}__{prop}"


def unique(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A key appears once: not earlier in the batch, not already in bronze."""
    if not prop.unique:
        return []
    seen = seen_relation(ctx.feed, prop.name)
    return [
        ctx.make(
            prop,
            "unique",
            f"{prop.expr} IS NOT NULL AND ("
            f"row_number() OVER (PARTITION BY {prop.expr} ORDER BY t._row) > 1"
            f" OR EXISTS (SELECT 1 FROM {seen} AS s WHERE s.value = {text(prop, ctx)}))",
            f"`{prop.name}` must be unique",
        )
    ]
