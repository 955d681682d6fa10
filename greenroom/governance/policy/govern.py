"""The Lake Formation layer: how an allowed table looks to one principal.

Grants restrict; every grant that names the principal and the table applies:
- columns: an ``include`` list keeps only those columns; ``exclude`` lists and
  ``exclude_tags`` hide columns; ``include_tags`` keeps only columns carrying the tag;
- row filters: SQL predicates over the table's columns, with ``${principal.ATTR}`` replaced
  by the attribute's values as SQL string literals (comma-separated values become a list
  for ``IN (…)``); several filters are ANDed; a filter naming a missing attribute passes
  no rows;
- masks: by column name or by tag; when several apply, the strongest wins
  (null > redact > keyed_hash > partial). A column a grant masks by name is not hidden by
  that grant's own ``exclude_tags``: "hide personal data, but keep customer ids as
  pseudonyms" is one grant.

:class:`PolicyGovernor` implements the lake's :class:`~greenroom.lake.governor.Governor`:
the session plans every table it reads through :meth:`PolicyGovernor.view`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from greenroom.governance.exceptions import PolicyInvalidError, TableAccessDeniedError
from greenroom.governance.policy.decide import Decision, attribute, decide, principal_matches
from greenroom.governance.policy.masks import mask_sql
from greenroom.governance.policy.model import MASK_KINDS, Grant, MaskKind, PolicyDocument
from greenroom.governance.principals import Principal
from greenroom.lake.governor import HiddenColumn, TableView

TagLookup = Callable[[str], Mapping[str, Mapping[str, str]]]
"""Table → column → tags (``{"pii": "email"}``)."""

_PLACEHOLDER = re.compile(r"\$\{(principal\.[A-Za-z_][A-Za-z0-9_]*)\}")
_NAMESPACES = ("bronze", "silver", "gold", "quarantine", "ops")


def no_tags(_table: str) -> Mapping[str, Mapping[str, str]]:
    return {}


@dataclass(frozen=True)
class Mask:
    column: str
    kind: MaskKind
    grant: str


@dataclass(frozen=True)
class RowFilter:
    grant: str
    sql: str
    """As rendered for this principal (``FALSE`` when an attribute it needs is missing)."""
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why a principal sees a table the way it does."""

    principal: Principal
    table: str
    decision: Decision
    grants: tuple[str, ...] = ()
    hidden: tuple[HiddenColumn, ...] = ()
    masks: tuple[Mask, ...] = ()
    filters: tuple[RowFilter, ...] = ()
    visible: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "principal": self.principal.name,
            "roles": list(self.principal.roles),
            "table": self.table,
            "decision": self.decision.as_dict(),
            "grants": list(self.grants),
            "visible_columns": list(self.visible),
            "hidden_columns": [
                {"column": h.column, "policy": h.policy, "reason": h.reason} for h in self.hidden
            ],
            "masks": [{"column": m.column, "mask": m.kind, "policy": m.grant} for m in self.masks],
            "row_filters": [
                {"policy": f.grant, "sql": f.sql, "note": f.note} for f in self.filters
            ],
        }


@dataclass
class PolicyGovernor:
    """One principal's governor over one policy version."""

    policy: PolicyDocument
    principal: Principal
    version: str
    key: str
    tags_of: TagLookup = no_tags
    decisions: list[tuple[str, Decision]] = field(default_factory=list)
    """Table decisions made since the last :meth:`drain` (for the audit)."""
    _views: dict[tuple[str, tuple[str, ...], str], tuple[Decision, TableView | None]] = field(
        default_factory=dict, repr=False
    )
    """Views already worked out, by table, columns and tags: a pooled session asks for the
    same tables on every query, and this governor's policy version never changes."""

    def drain(self) -> list[tuple[str, Decision]]:
        out, self.decisions = self.decisions, []
        return out

    def explain(
        self,
        table: str,
        columns: Sequence[str],
        tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Explanation:
        """How `table` looks to the principal; `tags` are its column tags when the caller
        has them at hand (else they are looked up)."""
        table = table.lower()
        decision = decide(self.policy, self.principal, "lake:Select", table)
        if not decision.allowed:
            return Explanation(self.principal, table, decision)
        grants = [
            g
            for g in self.policy.grants
            if principal_matches(g.principals, self.principal)
            and any(fnmatchcase(table, p.lower()) for p in g.tables)
        ]
        if tags is None:
            tags = self.tags_of(table)
        lowered = {c.lower(): dict(t) for c, t in tags.items()}
        hidden: dict[str, HiddenColumn] = {}
        masks: dict[str, Mask] = {}
        filters: list[RowFilter] = []
        for grant in grants:
            for column in columns:
                why = _hidden_by(grant, column, lowered.get(column.lower(), {}))
                if why is not None and column.lower() not in hidden:
                    hidden[column.lower()] = HiddenColumn(column, grant.sid, why)
                kind = _mask_of(grant, column, lowered.get(column.lower(), {}))
                current = masks.get(column.lower())
                if kind is not None and (
                    current is None or MASK_KINDS.index(kind) < MASK_KINDS.index(current.kind)
                ):
                    masks[column.lower()] = Mask(column, kind, grant.sid)
            if grant.row_filter:
                filters.append(_render(grant, self.principal))
        visible = tuple(c for c in columns if c.lower() not in hidden)
        return Explanation(
            self.principal,
            table,
            decision,
            tuple(g.sid for g in grants),
            tuple(hidden.values()),
            tuple(m for m in masks.values() if m.column.lower() not in hidden),
            tuple(filters),
            visible,
        )

    def view(
        self,
        table: str,
        columns: Sequence[str],
        tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> TableView:
        """The principal's view of `table` (the lake passes the tags of the snapshot it
        plans); every call records its decision for the audit, cached or not."""
        if tags is None:
            tags = self.tags_of(table)
        tags_key = repr(sorted((k.lower(), sorted(v.items())) for k, v in tags.items()))
        key = (table.lower(), tuple(columns), tags_key)
        cached = self._views.get(key)
        if cached is None:
            cached = self._plan(table, columns, tags, tags_key)
            self._views[key] = cached
        decision, shape = cached
        self.decisions.append((key[0], decision))
        if shape is None:
            raise TableAccessDeniedError(
                self.principal.name, key[0], decision.statement, decision.reason
            )
        return shape

    def _plan(
        self,
        table: str,
        columns: Sequence[str],
        tags: Mapping[str, Mapping[str, str]],
        tags_key: str,
    ) -> tuple[Decision, TableView | None]:
        explained = self.explain(table, columns, tags)
        if not explained.decision.allowed:
            return explained.decision, None
        masked = {m.column.lower(): m for m in explained.masks}
        out: list[tuple[str, str]] = []
        for column in explained.visible:
            source = _quote(column)
            mask = masked.get(column.lower())
            out.append((column, source if mask is None else mask_sql(mask.kind, source, self.key)))
        where = " AND ".join(f"({f.sql})" for f in explained.filters) or None
        depends = sorted({t for f in explained.filters for t in _tables_in(f.sql)})
        return explained.decision, TableView(
            columns=tuple(out),
            where=where,
            depends=tuple(depends),
            protected=frozenset(masked) | frozenset(h.column.lower() for h in explained.hidden),
            hidden={h.column.lower(): h for h in explained.hidden},
            version=f"{self.version}:{tags_key}",
        )


def _tag_matches(pattern: Mapping[str, str], tags: Mapping[str, str]) -> str | None:
    for key, value in pattern.items():
        if key in tags and fnmatchcase(tags[key], value):
            return f"{key}={tags[key]}"
    return None


def _hidden_by(grant: Grant, column: str, tags: Mapping[str, str]) -> str | None:
    name = column.lower()
    if grant.columns.include is not None and name not in {c.lower() for c in grant.columns.include}:
        return "not among the columns granted"
    if name in {c.lower() for c in grant.columns.exclude}:
        return "excluded by name"
    tagged = _tag_matches(grant.exclude_tags, tags)
    if tagged is not None and name not in {c.lower() for c in grant.masks}:
        return f"tagged `{tagged}`"
    if grant.include_tags and _tag_matches(grant.include_tags, tags) is None:
        return "does not carry a granted tag"
    return None


def _mask_of(grant: Grant, column: str, tags: Mapping[str, str]) -> MaskKind | None:
    by_name = {c.lower(): kind for c, kind in grant.masks.items()}
    if column.lower() in by_name:
        return by_name[column.lower()]
    for tag, kind in grant.tag_masks.items():
        key, _, value = tag.partition("=")
        if _tag_matches({key: value}, tags) is not None:
            return kind
    return None


def _render(grant: Grant, principal: Principal) -> RowFilter:
    assert grant.row_filter is not None
    missing: list[str] = []

    def literal(match: re.Match[str]) -> str:
        value = attribute(principal, match.group(1))
        if not value:
            missing.append(match.group(1))
            return "NULL"
        items = [v.strip() for v in value.split(",") if v.strip()]
        return ", ".join("'" + v.replace("'", "''") + "'" for v in items)

    sql = _PLACEHOLDER.sub(literal, grant.row_filter)
    if missing:
        return RowFilter(grant.sid, "FALSE", f"`{missing[0]}` is not set: no rows pass")
    return RowFilter(grant.sid, sql)


def _tables_in(sql: str) -> set[str]:
    try:
        tree = sqlglot.parse_one(f"SELECT 1 WHERE {sql}", dialect="duckdb")
    except SqlglotError as exc:
        raise PolicyInvalidError(f"row filter `{sql}` is not valid SQL: {exc}") from None
    return {
        f"{t.db.lower()}.{t.name.lower()}"
        for t in tree.find_all(exp.Table)
        if t.db.lower() in _NAMESPACES
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
