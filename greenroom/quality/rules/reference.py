from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.exceptions import ContractError
from greenroom.quality.rules.base import Rule, RuleContext, text


def known_relation(target: str) -> str:
    """The relation holding the known ids of `target` (`feed.column`)."""
    feed, _, column = target.partition(".")
    return f"known__{feed}__{column}"


def reference(prop: Property, ctx: RuleContext) -> list[Rule]:
    """A present reference must name an id that its feed has delivered (accepted or not)."""
    if not prop.references:
        return []
    if "." not in prop.references:
        raise ContractError(
            f"`{ctx.feed}.{prop.name}.references` must be `<feed>.<column>`, not `{prop.references}`"
        )
    known = known_relation(prop.references)
    return [
        ctx.make(
            prop,
            "reference",
            f"{prop.expr} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {known} AS k WHERE k.value = {text(prop, ctx)})",
            f"`{prop.name}` must name a known `{prop.references}`",
        )
    ]
