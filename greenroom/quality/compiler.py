"""Compile a contract into one set-based SQL query over a batch.

The query reads the batch as `batch` (with a `_row` ordinal) and returns, per record, which
rules it breaks, as bits (see :meth:`CompiledContract.sql`). Reference and uniqueness rules read the lake through relations named by
:func:`reference.known_relation` and :func:`unique.seen_relation`, defined as CTEs from
the SQL the caller passes for each (so the lake is scanned by the engine, not by Python).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from greenroom.quality.contract import Contract, Property
from greenroom.quality.rules import RULE_KINDS, Rule, RuleContext
from greenroom.quality.rules.base import ColumnKind
from greenroom.quality.rules.reference import known_relation
from greenroom.quality.rules.unique import seen_relation

RULES_PER_WORD = 62
"""Rules per BIGINT bit word of the verdict (the sign bit stays clear)."""


@dataclass(frozen=True)
class LakeLookup:
    """A relation a rule reads: which lake column holds its values."""

    relation: str
    feed: str
    column: str
    kind: str  # "reference" or "unique"
    asked_by: tuple[str | None, ...] = ()
    """The batch's top-level columns whose values the rules look up (None: a nested one)."""

    @property
    def lake_sources(self) -> tuple[tuple[str, str], ...]:
        """The lake columns holding the values: bronze, and for references the ids
        quarantine holds too (a record delivered but rejected still exists)."""
        bronze = (f"bronze.{self.feed}", self.column)
        if self.kind == "reference":
            return (bronze, (f"quarantine.{self.feed}", "source_record_id"))
        return (bronze,)


@dataclass(frozen=True)
class CompiledContract:
    contract: Contract
    rules: tuple[Rule, ...]
    lookups: tuple[LakeLookup, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def sql(self, lookup_sql: Mapping[str, str], extra: Mapping[str, str] | None = None) -> str:
        """The validation query, given a SELECT producing `value` for every lookup relation;
        `extra` adds columns (alias → SQL over `t`) computed in the same pass.

        Every rule's violation is computed once, as a boolean of an inner query (a lookup
        rule is one join); the outer query packs them into bit words: bit `i % RULES_PER_WORD`
        of `_broken<i // RULES_PER_WORD>` is set when the record breaks rule `i`. Rows come
        out in any order, each with its `_row`."""
        ctes = [f"{lk.relation} AS ({lookup_sql[lk.relation]})" for lk in self.lookups]
        checks = "".join(
            f", coalesce(({r.violation}), false) AS _v{i}" for i, r in enumerate(self.rules)
        )
        more = "".join(f", {sql} AS {alias}" for alias, sql in (extra or {}).items())
        ctes.append(f"checks AS (SELECT t._row{checks}{more} FROM batch AS t)")
        words = "".join(f", {word} AS _broken{w}" for w, word in enumerate(self._bit_words()))
        aliases = "".join(f", {alias}" for alias in extra or {})
        return f"WITH {', '.join(ctes)}\nSELECT _row{words}{aliases}\nFROM checks"

    @property
    def word_count(self) -> int:
        return max(1, -(-len(self.rules) // RULES_PER_WORD))

    def _bit_words(self) -> list[str]:
        words: list[list[str]] = [[] for _ in range(self.word_count)]
        for i in range(len(self.rules)):
            words[i // RULES_PER_WORD].append(
                f"CASE WHEN _v{i} THEN {1 << (i % RULES_PER_WORD)} ELSE 0 END"
            )
        return [" | ".join(parts) if parts else "CAST(0 AS BIGINT)" for parts in words]


def compile_contract(
    contract: Contract, columns: Mapping[str, ColumnKind] | None = None
) -> CompiledContract:
    """Compile `contract`; given what the batch's top-level `columns` hold, the SQL leaves
    out checks that cannot fail on them."""
    ctx = RuleContext(contract.feed, dict(columns or {}))
    rules: list[Rule] = []
    lookups: dict[str, LakeLookup] = {}
    for prop in contract.table.properties:
        for kind in RULE_KINDS:
            rules.extend(kind(prop, ctx))
        if prop.references:
            feed, _, column = prop.references.partition(".")
            rel = known_relation(prop.references)
            asked = (*(lookups[rel].asked_by if rel in lookups else ()), _top_level(prop))
            lookups[rel] = LakeLookup(rel, feed, column, "reference", asked)
        if prop.unique:
            rel = seen_relation(contract.feed, prop.name)
            lookups[rel] = LakeLookup(rel, contract.feed, prop.name, "unique", (_top_level(prop),))
    return CompiledContract(contract, tuple(rules), tuple(lookups.values()))


def _top_level(prop: Property) -> str | None:
    return None if prop.path else prop.name
