"""`GovernedSession`: every read by a person or an agent, decided by policy and audited.

``governed_session(lake, principal)`` is the one way user-facing code (the CLI's query,
the API, the dashboard, the chat) reads the lake. For any principal but ``system`` it:

1. plans each table the query names as the principal's governed view (the lake asks a
   :class:`~greenroom.governance.policy.govern.PolicyGovernor`): tables the policy does
   not allow raise :class:`TableAccessDeniedError`; hidden columns do not exist; masks and
   row filters apply before the query sees a row;
2. refuses SQL that could reach around the views (file and catalog functions, other
   databases, settings, statements other than SELECT);
3. appends one audit record per query — ``query`` with the tables, the decisions
   (allowed or not, and the statement that decided) and the policy version, or
   ``access_denied`` with the reason — before the rows are returned. A query that fails
   for any other reason is recorded too (``query`` with the error). If the record cannot
   be written the query fails (`AuditUnavailableError`). No setting turns this off.

The ``system`` principal (the pipeline, platform jobs) gets the lake's plain session.

A query that names ``ops.audit`` first copies the log's new records into that table
(:func:`~greenroom.governance.audit_table.sync_audit_table`), for any principal, so SQL over
the audit sees every record written until then.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from greenroom.errors import GreenroomError
from greenroom.governance.audit import Action, AuditLog
from greenroom.governance.policy.govern import PolicyGovernor
from greenroom.governance.policy.store import PolicyStore
from greenroom.governance.principals import ADMIN, SYSTEM, Principal

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.lake import Lakehouse, Session

_AUDIT_TABLE = re.compile(r'\bops\s*\.\s*"?audit"?(?![A-Za-z0-9_])', re.IGNORECASE)
_QUERY_TEXT = 2000
"""Characters of a query kept in its audit record (its SHA-256 is always kept)."""


class GovernedSession:
    """A lake session bound to one principal; implements the `Reader` protocol.

    Never shared across principals.
    """

    def __init__(
        self,
        lake: Lakehouse,
        principal: Principal,
        *,
        store: PolicyStore | None = None,
        audit: AuditLog | None = None,
        acting_for: str | None = None,
    ) -> None:
        self.principal = principal
        self.acting_for = acting_for
        """The admin who asked to see the lake as `principal` (``query --as``), if any."""
        self._lake = lake
        home = lake.settings.home
        self._store = store or PolicyStore(home)
        self._audit = audit or AuditLog(home)
        self._governor: PolicyGovernor | None = None
        if principal.name == SYSTEM.name and principal.roles == SYSTEM.roles:
            self._session: Session = lake.session()
        else:
            self._governor = self._new_governor()
            self._session = lake.session(self._governor)

    @property
    def policy_version(self) -> str | None:
        return None if self._governor is None else self._governor.version

    def _new_governor(self) -> PolicyGovernor:
        loaded = self._store.load()
        lake = self._lake
        return PolicyGovernor(
            loaded.document,
            self.principal,
            loaded.version,
            self._store.pseudonym_key(),
            tags_of=lake.column_tags,
        )

    def _refresh(self) -> PolicyGovernor:
        """The governor for the policy in force now (a pooled session follows changes)."""
        assert self._governor is not None
        if self._store.load().version != self._governor.version:
            self._governor = self._new_governor()
            self._session.rebind(self._governor)
        return self._governor

    def sql(self, query: str, params: Sequence[object] | None = None) -> pa.Table:
        if _AUDIT_TABLE.search(query):
            from greenroom.governance.audit_table import sync_audit_table

            sync_audit_table(self._lake, self._audit)
        if self._governor is None:
            return self._session.sql(query, params)
        governor = self._refresh()
        governor.drain()
        try:
            result = self._session.sql(query, params)
        except GreenroomError as exc:
            decisions = governor.drain()
            denied = exc.category == "authorization"
            self._record("access_denied" if denied else "query", query, decisions, error=exc)
            raise
        except Exception as exc:  # a bug below still leaves its record
            self._record("query", query, governor.drain(), error=exc)
            raise
        self._record("query", query, governor.drain(), rows=result.num_rows)
        return result

    def _record(
        self,
        action: Action,
        query: str,
        decisions: list[tuple[str, Any]],
        *,
        rows: int | None = None,
        error: Exception | None = None,
    ) -> None:
        detail: dict[str, Any] = {
            "query": query[:_QUERY_TEXT],
            "query_sha256": hashlib.sha256(query.encode()).hexdigest(),
            "policy_version": self.policy_version,
            "decisions": [
                {"table": table, "allowed": d.allowed, "statement": d.statement}
                for table, d in decisions
            ],
        }
        if rows is not None:
            detail["rows"] = rows
        if error is not None:
            detail["error_code"] = getattr(error, "code", "internal_error")
            detail["error"] = str(error)[:500]
        if self.acting_for is not None:
            detail["acting_for"] = self.acting_for
        tables = sorted({table for table, _ in decisions})
        self._audit.append(self.principal.name, action, ",".join(tables) or "-", detail)

    def register(self, name: str, data: pa.Table) -> None:
        self._session.register(name, data)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> GovernedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def governed_session(
    lake: Lakehouse, principal: Principal = ADMIN, *, acting_for: str | None = None
) -> GovernedSession:
    """A read-only session over `lake` on behalf of `principal`."""
    return GovernedSession(lake, principal, acting_for=acting_for)
