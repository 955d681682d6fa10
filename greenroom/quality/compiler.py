"""Compile a contract into one set-based SQL query over a batch.

The query reads the batch as `batch` (with a `_row` ordinal) and returns, per record in
order, the ids of the rules it breaks that reject it (`_reject`) and that only flag it
(`_warn`). Reference and uniqueness rules read the lake through relations named by
:func:`reference.known_relation` and :func:`unique.seen_relation`, defined as CTEs from
the SQL the caller passes for each (so the lake is scanned by the engine, not by Python).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from greenroom.quality.contract import Contract
from greenroom.quality.rules import RULE_KINDS, Rule, RuleContext
from greenroom.quality.rules.base import sql_string
from greenroom.quality.rules.reference import known_relation
from greenroom.quality.rules.unique import seen_relation


@dataclass(frozen=True)
class LakeLookup:
    """A relation a rule reads: which lake column holds its values."""

    relation: str
    feed: str
    column: str
    kind: str  # "reference" or "unique"


@dataclass(frozen=True)
class CompiledContract:
    contract: Contract
    rules: tuple[Rule, ...]
    lookups: tuple[LakeLookup, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def sql(self, lookup_sql: Mapping[str, str], extra: Mapping[str, str] | None = None) -> str:
        """The validation query, given a SELECT producing `value` for every lookup relation;
        `extra` adds columns (alias → SQL over `t`) computed in the same pass."""
        ctes = [f"{lk.relation} AS ({lookup_sql[lk.relation]})" for lk in self.lookups]
        reject = _reasons([r for r in self.rules if r.severity == "reject"])
        warn = _reasons([r for r in self.rules if r.severity == "warn"])
        with_clause = f"WITH {', '.join(ctes)}\n" if ctes else ""
        more = "".join(f", {sql} AS {alias}" for alias, sql in (extra or {}).items())
        return (
            f"{with_clause}SELECT t._row, {reject} AS _reject, {warn} AS _warn{more}\n"
            "FROM batch AS t\nORDER BY t._row"
        )


def _reasons(rules: list[Rule]) -> str:
    """The ids of the rules a record breaks. Most records break none: an OR of the
    violations decides that cheaply, and only the others build the list of ids."""
    if not rules:
        return "CAST([] AS VARCHAR[])"
    broken = [f"coalesce(({r.violation}), false)" for r in rules]
    cases = ", ".join(
        f"CASE WHEN {b} THEN {sql_string(r.id)} END" for b, r in zip(broken, rules, strict=True)
    )
    return (
        f"CASE WHEN {' OR '.join(broken)} "
        f"THEN list_filter([{cases}], lambda r: r IS NOT NULL) "
        "ELSE CAST([] AS VARCHAR[]) END"
    )


def compile_contract(contract: Contract) -> CompiledContract:
    ctx = RuleContext(contract.feed)
    rules: list[Rule] = []
    lookups: dict[str, LakeLookup] = {}
    for prop in contract.table.properties:
        for kind in RULE_KINDS:
            rules.extend(kind(prop, ctx))
        if prop.references:
            feed, _, column = prop.references.partition(".")
            rel = known_relation(prop.references)
            lookups[rel] = LakeLookup(rel, feed, column, "reference")
        if prop.unique:
            rel = seen_relation(contract.feed, prop.name)
            lookups[rel] = LakeLookup(rel, contract.feed, prop.name, "unique")
    return CompiledContract(contract, tuple(rules), tuple(lookups.values()))
