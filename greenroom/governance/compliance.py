"""`check_compliance(dataset, regulations)`: what in the lake a GDPR or CCPA review would flag.

Each check looks at the lake as it is now and returns findings, each with the fix:

- ``pii_untagged`` — a column the PII scanner finds personal data in, without a ``pii`` or
  ``personal_id`` tag in the catalog: tag-based grants cannot protect it.
- ``pii_exposed`` — a personal-data column that a role without clearance (every built-in
  role but ``admin`` and ``data_engineer``) reads unmasked under the policy in force.
- ``retention_breach`` — records or files older than their table's retention period.
- ``audit_chain_broken`` — the audit log no longer verifies (records of processing).

Which regulations a check serves is data (``RULES``); both regulations ask for all four, with
the articles a reviewer would cite. The checks only read: nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from greenroom.errors import UserError
from greenroom.governance.principals import Principal

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

Regulation = Literal["GDPR", "CCPA"]
REGULATIONS: tuple[Regulation, ...] = ("GDPR", "CCPA")

Severity = Literal["error", "warning"]

CLEARED_ROLES = frozenset({"admin", "data_engineer", "system"})
"""Roles whose work needs personal data in the clear; every other role must see it hidden
or masked."""


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    articles: dict[Regulation, str]


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "pii_untagged",
            "personal data without a pii tag",
            "error",
            {"GDPR": "Art. 30 (records of processing)", "CCPA": "§1798.100 (notice at collection)"},
        ),
        Rule(
            "pii_exposed",
            "personal data visible to a role without clearance",
            "error",
            {"GDPR": "Art. 25, 32 (protection by design, security)", "CCPA": "§1798.150"},
        ),
        Rule(
            "retention_breach",
            "data kept past its retention period",
            "error",
            {"GDPR": "Art. 5(1)(e) (storage limitation)", "CCPA": "§1798.100(a)(3)"},
        ),
        Rule(
            "audit_chain_broken",
            "the audit log does not verify",
            "error",
            {"GDPR": "Art. 5(2), 30 (accountability)", "CCPA": "§1798.185 (audits)"},
        ),
    )
}


@dataclass(frozen=True)
class PiiColumn:
    """A column holding personal data of one kind."""

    table: str
    column: str
    kind: str
    source: str
    """How it is known: ``tag`` (the catalog says so) or ``scan`` (its content)."""
    confidence: float = 1.0


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    column: str | None
    message: str
    fix: str
    regulations: tuple[str, ...]
    severity: Severity = "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "table": self.table,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "regulations": list(self.regulations),
            "articles": {r: RULES[self.rule].articles[r] for r in self.regulations},  # type: ignore[index]
        }


@dataclass(frozen=True)
class ComplianceReport:
    regulations: tuple[Regulation, ...]
    tables: tuple[str, ...]
    pii: tuple[PiiColumn, ...]
    findings: tuple[Finding, ...]
    checks: tuple[str, ...] = field(default=tuple(RULES))

    @property
    def compliant(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "regulations": list(self.regulations),
            "compliant": self.compliant,
            "tables_checked": len(self.tables),
            "checks": list(self.checks),
            "personal_data_columns": [
                {"table": p.table, "column": p.column, "kind": p.kind, "known_by": p.source}
                for p in self.pii
            ],
            "findings": [f.as_dict() for f in self.findings],
        }


PiiDetector = Callable[["Lakehouse", Sequence[str]], Sequence[PiiColumn]]
"""Finds personal-data columns in the named tables by their content."""

RetentionCheck = Callable[["Settings", "Lakehouse"], Sequence[tuple[str, str]]]
"""(table or zone, what is overdue) for everything kept past its retention period."""


def check_compliance(
    settings: Settings,
    dataset: str | None = None,
    regulations: Sequence[str] = REGULATIONS,
    *,
    lake: Lakehouse | None = None,
    detect: PiiDetector | None = None,
    retention: RetentionCheck | None = None,
) -> ComplianceReport:
    """Check `dataset` (a table ``ns.name``, a namespace, or everything) against
    `regulations`. `detect` and `retention` default to the PII scanner and the retention
    schedule; pass others to check against a different source of truth."""
    from greenroom.governance.audit import AuditLog
    from greenroom.lake import Lakehouse

    wanted = _regulations(regulations)
    lake = lake or Lakehouse.open(settings)
    tables = _tables(lake, dataset)
    tagged = [p for t in tables for p in tagged_columns(lake, t)]
    found = list((detect or _default_detector())(lake, tables))
    findings: list[Finding] = []
    known = {(p.table, p.column.lower()) for p in tagged}
    for p in found:
        if (p.table, p.column.lower()) not in known:
            findings.append(
                _finding(
                    "pii_untagged", wanted, p.table, p.column,
                    f"`{p.table}.{p.column}` holds {p.kind.replace('_', ' ')} values "
                    f"({p.confidence:.0%} confidence) but carries no personal-data tag",
                    "tag it: `greenroom governance scan` (tags every finding: "
                    f"`{_tag_of(p.kind)}={p.kind}` on this column)",
                )
            )  # fmt: skip
    pii = _merge(tagged, found)
    findings.extend(_exposure_findings(settings, lake, pii, wanted))
    for where, overdue in (retention or _default_retention())(settings, lake):
        if dataset is None or where == dataset or where.startswith(f"{dataset}."):
            findings.append(
                _finding(
                    "retention_breach", wanted, where, None, f"`{where}`: {overdue}",
                    "apply the schedule: `greenroom governance retention apply`",
                )
            )  # fmt: skip
    verified = AuditLog(settings.home).verify()
    if not verified.ok:
        findings.append(
            _finding(
                "audit_chain_broken", wanted, "audit", None, f"the audit log breaks at record {verified.bad_seq} (line {verified.line}): "
                f"{verified.reason}",
                "restore `audit/audit.log` from a backup and investigate who changed it "
                "(`greenroom audit verify` names the first bad record)",
            )
        )  # fmt: skip
    return ComplianceReport(wanted, tuple(tables), tuple(pii), tuple(findings))


@dataclass(frozen=True)
class Exposure:
    """A role without clearance that reads a personal-data column unmasked."""

    role: str
    column: PiiColumn
    statement: str
    """The statement that lets the role read the table."""


@dataclass(frozen=True)
class Protection:
    """How well one table's personal data is protected from roles without clearance."""

    table: str
    personal: tuple[PiiColumn, ...]
    exposed: tuple[Exposure, ...]

    @property
    def score(self) -> float | None:
        """Share of personal-data columns no uncleared role reads unmasked (None: none)."""
        if not self.personal:
            return None
        leaked = {e.column.column.lower() for e in self.exposed}
        return 1 - len(leaked) / len(self.personal)


def exposures(settings: Settings, lake: Lakehouse, pii: Sequence[PiiColumn]) -> list[Exposure]:
    """Probe each uncleared role's view of every table holding personal data, through the
    same governor the engine plans queries with."""
    from greenroom.governance.policy.govern import PolicyGovernor
    from greenroom.governance.policy.store import PolicyStore
    from greenroom.governance.roles import ROLES

    loaded = PolicyStore(settings.home).load()
    by_table: dict[str, list[PiiColumn]] = {}
    for p in pii:
        by_table.setdefault(p.table, []).append(p)
    schemas = {t: [f.name for f in lake.schema(t)] for t in by_table}
    out: list[Exposure] = []
    for role in sorted(set(ROLES) - CLEARED_ROLES):
        # A probe with every attribute a statement's condition might ask for, so that a
        # row-scoped role is checked on the rows it can see at all.
        probe = Principal(f"compliance-probe:{role}", (role,), _ALL_ATTRIBUTES)
        governor = PolicyGovernor(loaded.document, probe, loaded.version, "probe", lake.column_tags)
        for table, columns in sorted(by_table.items()):
            seen = governor.explain(table, schemas[table])
            if not seen.decision.allowed:
                continue
            masked = {m.column.lower() for m in seen.masks}
            visible = {c.lower() for c in seen.visible}
            out.extend(
                Exposure(role, p, seen.decision.statement)
                for p in columns
                if p.column.lower() in visible and p.column.lower() not in masked
            )
    return out


PERSONAL_TAGS = ("pii", "personal_id")
"""Tag keys that mark personal data: ``pii=<kind>`` (direct: emails, names, …) and
``personal_id=<kind>`` (pseudonymous keys of a person, such as customer ids)."""


def _tag_of(kind: str) -> str:
    from greenroom.governance.pii.kinds import IDENTIFIER_KINDS

    return PERSONAL_TAGS[1] if kind in IDENTIFIER_KINDS else PERSONAL_TAGS[0]


def tagged_columns(lake: Lakehouse, table: str) -> list[PiiColumn]:
    """The columns of `table` the catalog tags as personal data."""
    out = []
    for column, tags in sorted(lake.column_tags(table).items()):
        kind = next((tags[k] for k in PERSONAL_TAGS if tags.get(k)), None)
        if kind is not None:
            out.append(PiiColumn(table, column, kind, "tag"))
    return out


def protection(settings: Settings, lake: Lakehouse, table: str) -> Protection:
    """The personal data `table` holds (by its catalog tags) and who could read it."""
    personal = tuple(tagged_columns(lake, table))
    return Protection(table, personal, tuple(exposures(settings, lake, personal)))


def _exposure_findings(
    settings: Settings, lake: Lakehouse, pii: Sequence[PiiColumn], wanted: tuple[Regulation, ...]
) -> list[Finding]:
    out = []
    for e in exposures(settings, lake, pii):
        p = e.column
        out.append(
            _finding(
                "pii_exposed", wanted, p.table, p.column,
                f"role `{e.role}` reads `{p.table}.{p.column}` ({p.kind}) unmasked "
                f"(allowed by `{e.statement}`)",
                f"hide or mask it for `{e.role}`: add `exclude_tags: {{pii: \"*\"}}` "
                f"or `masks: {{{p.column}: keyed_hash}}` to a grant naming "
                f"role:{e.role} in governance/policies.yaml, or "
                f"`greenroom governance revoke` the table",
            )
        )  # fmt: skip
    return out


class _AnyAttribute(dict[str, str]):
    def get(self, key: str, default: object = None) -> str:
        return "compliance-probe"

    def __contains__(self, key: object) -> bool:
        return True


_ALL_ATTRIBUTES = _AnyAttribute()


def _finding(
    rule: str,
    wanted: tuple[Regulation, ...],
    table: str,
    column: str | None,
    message: str,
    fix: str,
) -> Finding:
    spec = RULES[rule]
    regs = tuple(r for r in wanted if r in spec.articles)
    return Finding(rule, table, column, message, fix, regs, spec.severity)


def _merge(tagged: Sequence[PiiColumn], found: Sequence[PiiColumn]) -> list[PiiColumn]:
    out = {(p.table, p.column.lower()): p for p in found}
    out.update({(p.table, p.column.lower()): p for p in tagged})  # the catalog's word wins
    return [out[k] for k in sorted(out)]


def _regulations(regulations: Sequence[str]) -> tuple[Regulation, ...]:
    out: list[Regulation] = []
    for name in regulations:
        upper = name.strip().upper()
        if upper not in REGULATIONS:
            raise UserError(
                f"no regulation `{name}`; greenroom checks {', '.join(REGULATIONS)}",
            )
        if upper not in out:
            out.append(upper)
    return tuple(out) or REGULATIONS


def _tables(lake: Lakehouse, dataset: str | None) -> list[str]:
    everything = [t.name for t in lake.list_tables()]
    if dataset is None or dataset in ("", "*"):
        return everything
    name = dataset.strip().lower()
    chosen = [t for t in everything if t == name or t.startswith(f"{name}.")]
    if not chosen:
        from greenroom.lake.exceptions import TableNotFoundError

        raise TableNotFoundError(name)
    return chosen


def retention_breaches(
    settings: Settings, _lake: Lakehouse, now: dt.datetime | None = None
) -> list[tuple[str, str]]:
    """What `greenroom governance retention apply` would delete at `now`: each is kept
    past its retention period."""
    from greenroom.governance.retention import apply_retention

    due = apply_retention(settings, now, dry_run=True)
    out = [
        (table, f"{rows:,} row(s) older than the table's retention period")
        for table, rows in sorted(due.rows_deleted.items())
        if rows
    ]
    if due.raw_folders_deleted:
        out.append(
            (
                "raw",
                f"{len(due.raw_folders_deleted)} arrival folder(s), {due.raw_files_deleted} "
                f"file(s) past the raw zone's retention ({settings.retention.raw_days} days)",
            )
        )
    return out


def scanned(lake: Lakehouse, tables: Sequence[str]) -> list[PiiColumn]:
    """The PII scanner's findings in `tables` (`greenroom.governance.pii`), by column as the
    catalog tags them (a quarantine payload's keys tag its `payload` column)."""
    from greenroom.governance.pii.classify import PAYLOAD
    from greenroom.governance.pii.kinds import MIN_CONFIDENCE
    from greenroom.governance.pii.scan import scan_lake

    zones = ("bronze.", "silver.", "gold.", "quarantine.")
    result = scan_lake(lake, tables=[t for t in tables if t.startswith(zones)])
    out: dict[tuple[str, str], PiiColumn] = {}
    for f in result.above(MIN_CONFIDENCE):
        column = PAYLOAD if f.column.startswith(f"{PAYLOAD}.") else f.column
        out.setdefault((f.table, column), PiiColumn(f.table, column, f.kind, "scan", f.confidence))
    return list(out.values())


def _default_detector() -> PiiDetector:
    return scanned


def _default_retention() -> RetentionCheck:
    return retention_breaches
