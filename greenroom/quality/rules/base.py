"""What a compiled rule is, and what compiling one needs to know."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from greenroom.quality.contract import Property, Severity

ColumnKind = Literal["text", "other"]


@dataclass(frozen=True)
class Rule:
    id: str
    """`<feed>.<property>.<kind>`, e.g. `box_office_sales.qty.range`."""
    kind: str
    property: str
    severity: Severity
    violation: str
    """A SQL boolean over the record `t`, TRUE when the record breaks the rule."""
    description: str


@dataclass(frozen=True)
class RuleContext:
    feed: str
    columns: Mapping[str, ColumnKind] = field(default_factory=dict)
    """What the batch's top-level columns hold, when its schema is known: rules then leave
    out the casts and blank checks that cannot apply (a JSON number is never blank)."""

    def make(self, prop: Property, kind: str, violation: str, description: str) -> Rule:
        severity = prop.severity.get(kind, "reject")
        return Rule(
            f"{self.feed}.{prop.name}.{kind}", kind, prop.name, severity, violation, description
        )

    def kind_of(self, prop: Property) -> ColumnKind | None:
        return None if prop.path else self.columns.get(prop.name)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


def text(prop: Property, ctx: RuleContext) -> str:
    """The property as text."""
    if ctx.kind_of(prop) == "text":
        return prop.expr
    return f"CAST({prop.expr} AS VARCHAR)"


def blank(prop: Property, ctx: RuleContext) -> str:
    """TRUE when the property is absent, empty or only whitespace."""
    if ctx.kind_of(prop) == "other":
        return f"{prop.expr} IS NULL"
    value = text(prop, ctx)
    # trim() strips spaces and Unicode whitespace; a value can only be blank when its first
    # character is one of those (code <= 32 or >= 128, or none at all: ord('') = -1), and
    # testing that first skips the trim for almost every value.
    return (
        f"{prop.expr} IS NULL OR ((ord({value}) <= 32 OR ord({value}) >= 128) "
        f"AND trim({value}) = '')"
    )
