from __future__ import annotations

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext


def range_(prop: Property, ctx: RuleContext) -> list[Rule]:
    """Numeric bounds: minimum, maximum, exclusiveMinimum, exclusiveMaximum."""
    o = prop.options
    value = f"TRY_CAST({prop.expr} AS DOUBLE)"
    checks = []
    if o.minimum is not None:
        checks.append((f"{value} < {o.minimum}", f">= {o.minimum}"))
    if o.maximum is not None:
        checks.append((f"{value} > {o.maximum}", f"<= {o.maximum}"))
    if o.exclusive_minimum is not None:
        checks.append((f"{value} <= {o.exclusive_minimum}", f"> {o.exclusive_minimum}"))
    if o.exclusive_maximum is not None:
        checks.append((f"{value} >= {o.exclusive_maximum}", f"< {o.exclusive_maximum}"))
    if not checks:
        return []
    violation = " OR ".join(f"({c})" for c, _ in checks)
    bounds = " and ".join(b for _, b in checks)
    return [ctx.make(prop, "range", violation, f"`{prop.name}` must be {bounds}")]
