"""What a compiled rule is, and what compiling one needs to know."""

from __future__ import annotations

from dataclasses import dataclass

from greenroom.quality.contract import Property, Severity


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

    def make(self, prop: Property, kind: str, violation: str, description: str) -> Rule:
        severity = prop.severity.get(kind, "reject")
        return Rule(
            f"{self.feed}.{prop.name}.{kind}", kind, prop.name, severity, violation, description
        )


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


def text(prop: Property) -> str:
    return f"CAST({prop.expr} AS VARCHAR)"
