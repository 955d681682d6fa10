"""Bearer tokens: who is asking, for the API and the browser.

A token reads `grn_<id>_<secret>`. Only a SHA-256 digest of it is stored (in
``<home>/auth.db``), and a presented token is compared with that digest in constant time.
The id is public (it names the token in `greenroom auth token list` and in a signed-in
browser's cookie); the secret is shown once, when the token is created.

The built-in admin's token comes from ``GREENROOM_AUTH__ADMIN_TOKEN`` when set; otherwise one
is generated on first use and kept in ``<home>/auth/admin.token`` (mode 0600) so the demo and
`greenroom serve` can print it. Every other token exists only as its digest.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from greenroom.errors import UserError
from greenroom.governance._keyfile import read_or_create
from greenroom.governance.exceptions import (
    PrincipalNotFoundError,
    TokenNotFoundError,
    TokenStoreError,
    UnauthenticatedError,
)
from greenroom.governance.principals import ADMIN, Principal
from greenroom.governance.roles import check_role

if TYPE_CHECKING:
    from greenroom.config import Settings

ADMIN_TOKEN_ID = "admin"
_PREFIX = "grn_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_id    TEXT PRIMARY KEY,
    principal   TEXT NOT NULL,
    role        TEXT NOT NULL,
    attributes  TEXT NOT NULL DEFAULT '{}',
    digest      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS principals (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    attributes  TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""
_TOKEN_COLUMNS = (
    "t.token_id, t.principal, COALESCE(p.role, t.role), t.created_at, t.revoked_at, "
    "COALESCE(p.attributes, t.attributes)"
)
"""A registered principal's current role and attributes win over those the token was
issued with: changing a principal changes what its tokens may do at once."""
_FROM = "FROM tokens t LEFT JOIN principals p ON p.name = t.principal"


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: everything but its secret."""

    token_id: str
    principal: str
    role: str
    created_at: str
    revoked_at: str | None = None
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_principal(self) -> Principal:
        return Principal(self.principal, (self.role,), MappingProxyType(dict(self.attributes)))


@dataclass(frozen=True)
class IssuedToken:
    info: TokenInfo
    token: str
    """The secret, shown once."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def token_id_of(token: str) -> str | None:
    """The id inside a token of ours, or None if it is not shaped like one."""
    if not token.startswith(_PREFIX):
        return None
    token_id, sep, secret = token[len(_PREFIX) :].partition("_")
    return token_id if sep and token_id and secret else None


class TokenStore:
    """Tokens of one greenroom home (thread-safe: a connection per call)."""

    def __init__(self, home: Path, admin_token: str | None = None) -> None:
        self.home = home
        self.path = home / "auth.db"
        self._admin_token = admin_token
        self._ready = False

    # ---- the admin ----------------------------------------------------------------------

    @property
    def admin_token_file(self) -> Path:
        return self.home / "auth" / "admin.token"

    def admin_token(self) -> str:
        """The admin's token: the configured one, else the stored one, else a new one."""
        if self._admin_token:
            return self._admin_token
        self._admin_token = read_or_create(
            self.admin_token_file,
            lambda: f"{_PREFIX}{ADMIN_TOKEN_ID}_{secrets.token_urlsafe(24)}",
        )
        return self._admin_token

    # ---- tokens -------------------------------------------------------------------------

    def create(
        self, principal: str, role: str | None = None, attributes: Mapping[str, str] | None = None
    ) -> IssuedToken:
        registered = self.principal(principal) if principal != ADMIN.name else None
        if role is None:  # a registered principal's own role, else the least powerful
            role = registered.roles[0] if registered is not None else "analyst"
        check_role(role)
        if principal == ADMIN.name:
            raise UserError(
                "`admin` is the built-in principal; set GREENROOM_AUTH__ADMIN_TOKEN to choose "
                "its token, or give the new token another principal name"
            )
        token_id = secrets.token_hex(6)
        token = f"{_PREFIX}{token_id}_{secrets.token_urlsafe(24)}"
        info = TokenInfo(token_id, principal, role, _now(), None, dict(attributes or {}))
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (
                    token_id,
                    principal,
                    role,
                    json.dumps(dict(info.attributes)),
                    _digest(token),
                    info.created_at,
                ),
            )
        return IssuedToken(info, token)

    def list(self, *, include_revoked: bool = False) -> list[TokenInfo]:
        where = "" if include_revoked else "WHERE revoked_at IS NULL"
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {_TOKEN_COLUMNS} {_FROM} {where.replace('revoked_at', 't.revoked_at')} "
                "ORDER BY t.created_at, t.token_id"
            ).fetchall()
        return [_info(row) for row in rows]

    def revoke(self, token_id: str) -> TokenInfo:
        with self._connect() as conn:
            conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                (_now(), token_id),
            )
            row = conn.execute(
                f"SELECT {_TOKEN_COLUMNS} {_FROM} WHERE t.token_id = ?", (token_id,)
            ).fetchone()
        if row is None:
            raise TokenNotFoundError(token_id)
        return _info(row)

    def get(self, token_id: str) -> TokenInfo | None:
        """A live token by id (the admin's too), or None."""
        if token_id == ADMIN_TOKEN_ID:
            return _ADMIN_INFO
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {_TOKEN_COLUMNS} {_FROM} WHERE t.token_id = ? AND t.revoked_at IS NULL",
                (token_id,),
            ).fetchone()
        return None if row is None else _info(row)

    def authenticate(self, token: str) -> TokenInfo:
        """The live token `token` is, or `UnauthenticatedError` (same message for every miss)."""
        presented = _digest(token)
        if hmac.compare_digest(presented, _digest(self.admin_token())):
            return _ADMIN_INFO
        token_id = token_id_of(token)
        stored = None
        if token_id is not None and token_id != ADMIN_TOKEN_ID:
            with self._connect() as conn:
                stored = conn.execute(
                    f"SELECT {_TOKEN_COLUMNS}, t.digest {_FROM} "
                    "WHERE t.token_id = ? AND t.revoked_at IS NULL",
                    (token_id,),
                ).fetchone()
        # Compare against something even on a miss, so timing says nothing about ids.
        expected = stored[6] if stored is not None else _digest(secrets.token_hex(16))
        if stored is None or not hmac.compare_digest(presented, expected):
            raise UnauthenticatedError("the token is missing, malformed, unknown or revoked")
        return _info(stored[:6])

    # ---- principals ---------------------------------------------------------------------

    def add_principal(
        self, name: str, role: str, attributes: Mapping[str, str] | None = None
    ) -> tuple[Principal, bool]:
        """Register `name` with `role` and `attributes` (replacing what it had); the
        principal, and whether it is new. Its tokens follow the change at once."""
        check_role(role)
        if name in (ADMIN.name, "system") or not name.replace("_", "a").replace("-", "a").isalnum():
            raise UserError(
                f"`{name}` cannot be a principal name: use letters, digits, `-` and `_`, "
                "and not the built-in `admin` or `system`"
            )
        now = _now()
        attrs = json.dumps(dict(attributes or {}), sort_keys=True)
        with self._connect() as conn:
            new = conn.execute("SELECT 1 FROM principals WHERE name = ?", (name,)).fetchone()
            conn.execute(
                "INSERT INTO principals VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE "
                "SET role = excluded.role, attributes = excluded.attributes, "
                "updated_at = excluded.updated_at",
                (name, role, attrs, now, now),
            )
        return Principal(name, (role,), MappingProxyType(dict(attributes or {}))), new is None

    def principal(self, name: str) -> Principal | None:
        """A registered principal (or the built-in admin), or None."""
        if name == ADMIN.name:
            return ADMIN
        with self._connect() as conn:
            row = conn.execute(
                "SELECT name, role, attributes FROM principals WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            return None
        return Principal(str(row[0]), (str(row[1]),), MappingProxyType(json.loads(str(row[2]))))

    def principals(self) -> builtins.list[Principal]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, role, attributes FROM principals ORDER BY name"
            ).fetchall()
        return [
            Principal(str(n), (str(r),), MappingProxyType(json.loads(str(a)))) for n, r, a in rows
        ]

    def remove_principal(self, name: str) -> int:
        """Forget `name` and revoke its tokens; how many tokens were revoked."""
        with self._connect() as conn:
            found = conn.execute("DELETE FROM principals WHERE name = ?", (name,)).rowcount
            revoked = conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE principal = ? AND revoked_at IS NULL",
                (_now(), name),
            ).rowcount
        if not found:
            raise PrincipalNotFoundError(name, tuple(p.name for p in self.principals()))
        return int(revoked)

    # ---- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One autocommit connection; a broken store is one clear error, not a traceback."""
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with closing(self._open()) as conn:
                    conn.executescript(_SCHEMA)
                self._ready = True
            with closing(self._open()) as conn:
                yield conn
        except (sqlite3.Error, OSError) as exc:
            raise TokenStoreError(self.path, str(exc) or type(exc).__name__) from exc

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=5.0, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn


_ADMIN_INFO = TokenInfo(ADMIN_TOKEN_ID, ADMIN.name, "admin", "built-in")


def _info(row: tuple[object, ...]) -> TokenInfo:
    token_id, principal, role, created_at, revoked_at, attributes = row
    return TokenInfo(
        str(token_id),
        str(principal),
        str(role),
        str(created_at),
        None if revoked_at is None else str(revoked_at),
        MappingProxyType(json.loads(str(attributes))),
    )


def token_store(settings: Settings) -> TokenStore:
    """The token store of `settings`' home."""
    secret = settings.auth.admin_token
    return TokenStore(settings.home, secret.get_secret_value() if secret else None)
