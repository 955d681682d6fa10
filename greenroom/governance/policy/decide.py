"""The IAM layer: may this principal take this action on this resource?

Evaluated as AWS evaluates identity policies: every statement whose principal, action,
resource and condition match is considered; an explicit ``Deny`` decides; otherwise an
``Allow`` decides; otherwise the answer is the default deny. The decision names the
statement that made it, so `greenroom governance explain` and the audit can quote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from greenroom.governance.policy.model import ConditionOperator, PolicyDocument, Statement
from greenroom.governance.principals import Principal

DEFAULT_DENY = "default-deny"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    statement: str
    """The sid that decided, or ``default-deny``."""
    reason: str
    matched: tuple[str, ...] = ()
    """Every statement that matched, in document order."""
    skipped: tuple[tuple[str, str], ...] = ()
    """Statements naming this principal, action and resource whose condition failed, and why."""

    def as_dict(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "statement": self.statement,
            "reason": self.reason,
            "matched": list(self.matched),
        }


def principal_matches(refs: tuple[str, ...], principal: Principal) -> bool:
    for ref in refs:
        if ref == "*":
            return True
        kind, _, name = ref.partition(":")
        if kind == "principal" and fnmatchcase(principal.name, name):
            return True
        if kind == "role" and any(fnmatchcase(role, name) for role in principal.roles):
            return True
    return False


def _matches_any(patterns: tuple[str, ...], value: str) -> bool:
    return any(fnmatchcase(value.lower(), p.lower()) for p in patterns)


def attribute(principal: Principal, key: str) -> str | None:
    """A condition key's value: ``principal.name``, ``principal.role`` or an attribute."""
    name = key.removeprefix("principal.")
    if name == "name":
        return principal.name
    if name == "role":
        return ",".join(principal.roles)
    return principal.attributes.get(name)


def condition_failure(
    condition: Mapping[ConditionOperator, Mapping[str, str | list[str]]], principal: Principal
) -> str | None:
    """Why the condition does not hold, or None when it does (every clause must hold)."""
    for operator, clauses in condition.items():
        for key, expected in clauses.items():
            wanted = [expected] if isinstance(expected, str) else list(expected)
            actual = attribute(principal, key)
            if operator == "Null":
                is_null = actual is None or actual == ""
                if str(is_null).lower() not in {w.lower() for w in wanted}:
                    state = "missing" if is_null else "set"
                    return f"`{key}` is {state} (Null: {expected})"
                continue
            values = [] if actual is None else [v.strip() for v in actual.split(",")]
            if operator == "StringEquals":
                ok = any(v in wanted for v in values)
            elif operator == "StringNotEquals":
                ok = not any(v in wanted for v in values)
            elif operator == "StringLike":
                ok = any(fnmatchcase(v, w) for v in values for w in wanted)
            else:  # StringNotLike
                ok = not any(fnmatchcase(v, w) for v in values for w in wanted)
            if not ok:
                return f"`{key}` is {actual!r}, not {operator} {expected!r}"
    return None


def decide(policy: PolicyDocument, principal: Principal, action: str, resource: str) -> Decision:
    """The decision on `action` over `resource` (``ns.table`` or ``governance``)."""
    matched: list[Statement] = []
    skipped: list[tuple[str, str]] = []
    for statement in policy.statements:
        if not (
            principal_matches(statement.principals, principal)
            and _matches_any(statement.actions, action)
            and _matches_any(statement.resources, resource)
        ):
            continue
        failure = condition_failure(statement.condition, principal)
        if failure is not None:
            skipped.append((statement.sid, failure))
            continue
        matched.append(statement)
    sids = tuple(s.sid for s in matched)
    for statement in matched:
        if statement.effect == "Deny":
            return Decision(
                False,
                statement.sid,
                f"explicitly denied by `{statement.sid}`",
                sids,
                tuple(skipped),
            )
    for statement in matched:
        return Decision(True, statement.sid, f"allowed by `{statement.sid}`", sids, tuple(skipped))
    reason = f"no statement allows `{action}` on `{resource}` for this principal"
    if skipped:
        reason += "; " + "; ".join(f"`{sid}` did not apply: {why}" for sid, why in skipped)
    return Decision(False, DEFAULT_DENY, reason, sids, tuple(skipped))
