"""`DataGovernanceService`: the seed's interface over principals, policies and the audit.

Every change to the policy goes through here, so each is validated, written atomically,
recorded in ``ops.policy_versions`` and audited (``grant`` / ``revoke``), whichever surface
asked (the CLI today; the API and MCP later). Changes to principals and tokens are audited
here the same way (``grant`` when access is given or changed, ``revoke`` when taken).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from greenroom.errors import UserError
from greenroom.governance.audit import Action, AuditLog, AuditRecord
from greenroom.governance.exceptions import (
    AuditUnavailableError,
    GrantNotFoundError,
    PrincipalNotFoundError,
)
from greenroom.governance.policy.decide import decide
from greenroom.governance.policy.govern import Explanation, PolicyGovernor
from greenroom.governance.policy.model import ColumnSpec, Grant, MaskKind, PolicyDocument, Statement
from greenroom.governance.policy.store import LoadedPolicy, PolicyStore
from greenroom.governance.principals import ADMIN, Principal
from greenroom.governance.roles import check_role
from greenroom.governance.tokens import IssuedToken, TokenInfo, token_store

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.governance.compliance import ComplianceReport
    from greenroom.lake import Lakehouse

PERMISSIONS = {"SELECT": "lake:Select", "ALL": "lake:*"}


@dataclass(frozen=True)
class AccessResult:
    """What a grant or revoke changed."""

    principal: str
    table: str
    changed: tuple[str, ...]
    """The statement and grant sids added, replaced or removed."""
    allowed_now: bool
    policy_version: str
    message: str


@dataclass(frozen=True)
class AuditResult:
    seq: int
    hash: str
    action: str
    resource: str


class DataGovernanceService:
    """Principals, policy changes, explanations and audit records of one home."""

    def __init__(self, settings: Settings, lake: Lakehouse | None = None) -> None:
        self.settings = settings
        self._lake = lake
        self.store = PolicyStore(settings.home)
        self.audit = AuditLog(settings.home)
        self.tokens = token_store(settings)

    @property
    def lake(self) -> Lakehouse:
        if self._lake is None:
            from greenroom.lake import Lakehouse

            self._lake = Lakehouse.open(self.settings)
        return self._lake

    # ---- principals ---------------------------------------------------------------------

    def principal(self, name: str) -> Principal:
        found = self.tokens.principal(name)
        if found is None:
            known = (ADMIN.name, *(p.name for p in self.tokens.principals()))
            raise PrincipalNotFoundError(name, known)
        return found

    def add_principal(
        self,
        name: str,
        role: str,
        attributes: Mapping[str, str] | None = None,
        *,
        by: str = ADMIN.name,
    ) -> tuple[Principal, bool]:
        """Register `name` (or replace its role and attributes); audited as ``grant``
        before the change is made. The principal, and whether it is new."""
        check_role(role)
        attrs = dict(attributes or {})
        before = self.tokens.principal(name)
        self.audit.append(
            by,
            "grant",
            f"principal:{name}",
            {
                "change": "principal added" if before is None else "principal changed",
                "role": role,
                "attributes": attrs,
                "before": None if before is None else _principal_detail(before),
            },
        )
        return self.tokens.add_principal(name, role, attrs)

    def remove_principal(self, name: str, *, by: str = ADMIN.name) -> int:
        """Forget `name` and revoke its tokens (audited as ``revoke`` first); how many
        tokens were revoked."""
        before = self.principal(name)
        self.audit.append(
            by,
            "revoke",
            f"principal:{name}",
            {"change": "principal removed", "before": _principal_detail(before)},
        )
        return self.tokens.remove_principal(name)

    # ---- tokens -------------------------------------------------------------------------

    def create_token(
        self, principal: str, role: str | None = None, *, by: str = ADMIN.name
    ) -> IssuedToken:
        """A new token for `principal` (audited as ``grant``, its id and role, never its
        secret). The record follows the token's creation, since its id is random; if it
        cannot be written the token is revoked again and the error raised."""
        issued = self.tokens.create(principal, role)
        detail = {"change": "token created", "token_id": issued.info.token_id,
                  "role": issued.info.role}  # fmt: skip
        try:
            self.audit.append(by, "grant", f"token:{issued.info.token_id}", detail)
        except AuditUnavailableError:
            self.tokens.revoke(issued.info.token_id)
            raise
        return issued

    def revoke_token(self, token_id: str, *, by: str = ADMIN.name) -> TokenInfo:
        """Revoke a token (audited as ``revoke`` first)."""
        self.audit.append(by, "revoke", f"token:{token_id}", {"change": "token revoked"})
        return self.tokens.revoke(token_id)

    # ---- grants -------------------------------------------------------------------------

    def grant_table_access(
        self,
        user: str,
        table: str,
        permissions: Sequence[str] = ("SELECT",),
        *,
        columns: Sequence[str] | None = None,
        exclude_columns: Sequence[str] = (),
        row_filter: str | None = None,
        masks: dict[str, MaskKind] | None = None,
        by: str = ADMIN.name,
    ) -> AccessResult:
        """Let principal `user` read `table` (``ns.name``), optionally only some columns,
        some rows or with masks. Replaces an earlier grant of the same pair."""
        principal = self.principal(user)
        table = self._known_table(table)
        actions = tuple(_action(p) for p in permissions)
        sid = f"grant-{principal.name}-{table}"
        ref = f"principal:{principal.name}"
        loaded = self.store.load()
        doc = loaded.document
        statements = [
            s for s in doc.statements if s.sid not in (sid, f"deny-{principal.name}-{table}")
        ]
        statements.append(
            Statement(
                sid=sid, effect="Allow", principals=(ref,), actions=actions, resources=(table,)
            )
        )
        grants = [g for g in doc.grants if g.sid != sid]
        if columns is not None or exclude_columns or row_filter or masks:
            grants.append(
                Grant(
                    sid=sid,
                    principals=(ref,),
                    tables=(table,),
                    columns=ColumnSpec(
                        include=None if columns is None else tuple(columns),
                        exclude=tuple(exclude_columns),
                    ),
                    row_filter=row_filter,
                    masks=dict(masks or {}),
                )
            )
        new = self._save(
            PolicyDocument(statements=tuple(statements), grants=tuple(grants)),
            by,
            f"grant {','.join(actions)} on {table} to {principal.name}",
            "grant",
            table,
            principal.name,
        )
        allowed = decide(new.document, principal, "lake:Select", table).allowed
        return AccessResult(
            principal.name, table, (sid,), allowed, new.version,
            f"`{principal.name}` may read `{table}` (statement `{sid}`)",
        )  # fmt: skip

    def revoke_table_access(self, user: str, table: str, *, by: str = ADMIN.name) -> AccessResult:
        """Remove `user`'s grants on `table`; if a role still lets it read the table, add an
        explicit Deny, so that after a revoke the principal cannot read it."""
        principal = self.principal(user)
        table = self._known_table(table)
        loaded = self.store.load()
        doc = loaded.document
        sid = f"grant-{principal.name}-{table}"
        statements = [s for s in doc.statements if s.sid != sid]
        grants = [g for g in doc.grants if g.sid != sid]
        changed = [sid] if len(statements) < len(doc.statements) else []
        interim = PolicyDocument(statements=tuple(statements), grants=tuple(grants))
        if decide(interim, principal, "lake:Select", table).allowed:
            deny = f"deny-{principal.name}-{table}"
            statements.append(
                Statement(
                    sid=deny,
                    effect="Deny",
                    principals=(f"principal:{principal.name}",),
                    actions=("lake:*",),
                    resources=(table,),
                )
            )
            changed.append(deny)
        if not changed:
            raise GrantNotFoundError(sid)
        new = self._save(
            PolicyDocument(statements=tuple(statements), grants=tuple(grants)),
            by,
            f"revoke {table} from {principal.name}",
            "revoke",
            table,
            principal.name,
        )
        return AccessResult(
            principal.name, table, tuple(changed), False, new.version,
            f"`{principal.name}` may no longer read `{table}` ({', '.join(changed)})",
        )  # fmt: skip

    def explain(self, user: str, table: str) -> Explanation:
        principal = self.principal(user)
        table = self._known_table(table)
        loaded = self.store.load()
        governor = PolicyGovernor(
            loaded.document,
            principal,
            loaded.version,
            self.store.pseudonym_key(),
            tags_of=self.lake.column_tags,
        )
        columns = [f.name for f in self.lake.schema(table)]
        return governor.explain(table, columns)

    def policies(self, *, by: str = ADMIN.name) -> LoadedPolicy:
        """The policy in force; a version not yet in ``ops.policy_versions`` (a hand edit,
        the built-in one on first use) is recorded."""
        loaded = self.store.load()
        self.store.record(self.lake, loaded, by=by, change="observed")
        return loaded

    # ---- compliance ---------------------------------------------------------------------

    def check_compliance(
        self, dataset: str | None, regulations: Sequence[str] = ("GDPR", "CCPA")
    ) -> ComplianceReport:
        """The seed's `check_compliance(dataset, regulations)`: see
        :func:`greenroom.governance.compliance.check_compliance`."""
        from greenroom.governance.compliance import check_compliance

        return check_compliance(self.settings, dataset, regulations, lake=self.lake)

    # ---- audit --------------------------------------------------------------------------

    def audit_data_access(
        self, user: str, resource: str, action: Action, detail: dict[str, object] | None = None
    ) -> AuditResult:
        record: AuditRecord = self.audit.append(user, action, resource, detail or {})
        return AuditResult(record.seq, record.hash, record.action, record.resource)

    # ---- plumbing -----------------------------------------------------------------------

    def _save(
        self,
        document: PolicyDocument,
        by: str,
        change: str,
        action: Action,
        table: str,
        principal: str,
    ) -> LoadedPolicy:
        before = self.store.load().version
        # The audit record comes first: a change nobody can account for must not happen.
        self.audit.append(
            by, action, table, {"principal": principal, "change": change, "from_version": before}
        )
        new = self.store.save(document)
        self.store.record(self.lake, new, by=by, change=change)
        return new

    def _known_table(self, table: str) -> str:
        name = table.strip().lower()
        if not self.lake.exists(name):
            from greenroom.lake.exceptions import TableNotFoundError

            raise TableNotFoundError(name)
        return name


def _principal_detail(principal: Principal) -> dict[str, object]:
    return {"roles": list(principal.roles), "attributes": dict(principal.attributes)}


def _action(permission: str) -> str:
    try:
        return PERMISSIONS[permission.strip().upper()]
    except KeyError:
        raise UserError(
            f"permission `{permission}` is not one greenroom grants: choose SELECT or ALL "
            "(tables are written only by the pipeline, as the system principal)"
        ) from None
