"""Rule kinds, one module each. Every module exports a function named like itself that
turns one contract property into zero or more :class:`Rule`s; `RULE_KINDS` runs them in
order (as sqlglot's optimizer collects its rules)."""

from __future__ import annotations

from collections.abc import Callable

from greenroom.quality.contract import Property
from greenroom.quality.rules.base import Rule, RuleContext
from greenroom.quality.rules.enum import enum
from greenroom.quality.rules.logical_type import logical_type
from greenroom.quality.rules.pattern import pattern
from greenroom.quality.rules.range import range_
from greenroom.quality.rules.reference import reference
from greenroom.quality.rules.required import required
from greenroom.quality.rules.unique import unique

RuleKind = Callable[[Property, RuleContext], list[Rule]]

RULE_KINDS: tuple[RuleKind, ...] = (
    required,
    logical_type,
    range_,
    enum,
    pattern,
    unique,
    reference,
)

__all__ = ["RULE_KINDS", "Rule", "RuleContext", "RuleKind"]
