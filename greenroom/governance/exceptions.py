"""Errors of authentication and authorization, shared by the CLI, the API and the pages."""

from __future__ import annotations

from pathlib import Path

from greenroom.errors import ConfigError, TerminalError, UserError


class AuthError(UserError):
    """Who is asking could not be established, or may not do what they asked."""

    code = "auth_error"
    category = "authentication"


class UnauthenticatedError(AuthError):
    """No credentials, or credentials that match no live token."""

    code = "unauthenticated"
    suggested_action = (
        "Send `Authorization: Bearer <token>` (the admin token is printed by `greenroom demo` "
        "and `greenroom serve`; others come from `greenroom auth token create`)."
    )


class PermissionDeniedError(AuthError):
    """The principal is known but its role does not grant the right asked for."""

    code = "forbidden"
    category = "authorization"

    def __init__(self, principal: str, role: str, right: str) -> None:
        self.principal = principal
        self.role = role
        self.right = right
        super().__init__(
            f"principal `{principal}` (role `{role}`) may not use `{right}`; "
            f"ask an admin for a token with a role that grants it (`greenroom auth roles`)"
        )


class UnknownRoleError(AuthError):
    code = "role_unknown"
    category = "user"

    def __init__(self, role: str, known: tuple[str, ...]) -> None:
        self.role = role
        self.known = known
        super().__init__(f"no role `{role}`; choose one of {', '.join(known)}")


class TokenNotFoundError(AuthError):
    code = "token_not_found"
    category = "user"

    def __init__(self, token_id: str) -> None:
        self.token_id = token_id
        super().__init__(f"no token `{token_id}`; list them with `greenroom auth token list`")


class RateLimitedError(AuthError):
    """Too many requests for one token; `retry_after` seconds until the next is allowed."""

    code = "rate_limited"
    category = "rate_limit"

    def __init__(self, retry_after: int, limit_per_minute: int) -> None:
        self.retry_after = retry_after
        self.limit_per_minute = limit_per_minute
        super().__init__(
            f"rate limit of {limit_per_minute:,} requests a minute reached for this token; "
            f"retry in {retry_after} s"
        )


class TokenStoreError(ConfigError):
    """The token store cannot be read or written (unwritable home, a corrupt file)."""

    code = "token_store_unavailable"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(
            f"the token store `{path}` cannot be used ({reason}); make its folder writable, "
            "or move the file aside (tokens must then be created again)"
        )


class AuditUnavailableError(TerminalError):
    """The audit log cannot be written or read; the access that needed it must fail."""

    code = "audit_unavailable"
    category = "audit"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(
            f"the audit log `{path}` cannot be used ({reason}); nothing was allowed without "
            "its record: make the folder writable, and run `greenroom audit verify`"
        )


class AuditChainError(TerminalError):
    """The audit log does not continue the chain ``ops.audit`` holds: it was edited."""

    code = "audit_chain_broken"
    category = "audit"

    def __init__(self, path: Path, seq: int, reason: str) -> None:
        self.path = str(path)
        self.seq = seq
        self.reason = reason
        super().__init__(
            f"the audit log `{path}` cannot be copied to `ops.audit` at record seq {seq} "
            f"({reason}); run `greenroom audit verify` to find the first bad record"
        )


class TableAccessDeniedError(AuthError):
    """The policy does not let the principal read a table (explicit or default deny)."""

    code = "table_access_denied"
    category = "authorization"

    def __init__(self, principal: str, table: str, statement: str, reason: str) -> None:
        self.principal = principal
        self.table = table
        self.statement = statement
        self.reason = reason
        super().__init__(
            f"`{principal}` may not read `{table}`: {reason}; see "
            f"`greenroom governance explain --principal {principal} --table {table}`"
        )


class PolicyInvalidError(ConfigError):
    """The policy document cannot be read or does not validate."""

    code = "policy_invalid"

    def __init__(self, message: str, path: Path | None = None) -> None:
        self.path = None if path is None else str(path)
        where = "" if path is None else f"`{path}`: "
        super().__init__(f"{where}{message}; fix the file and run `greenroom governance policies`")


class PrincipalNotFoundError(AuthError):
    code = "principal_not_found"
    category = "user"

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        listed = ", ".join(known[:8]) or "none yet"
        super().__init__(
            f"no principal `{name}` (known: {listed}); add one with "
            "`greenroom governance principals add NAME --role ROLE`"
        )


class GrantNotFoundError(UserError):
    code = "grant_not_found"

    def __init__(self, sid: str) -> None:
        self.sid = sid
        super().__init__(
            f"no statement or grant `{sid}`; list them with `greenroom governance policies`"
        )


class UnknownCustomerError(UserError):
    """`governance erase` was given an id no table, raw file or quarantine row knows."""

    code = "customer_not_found"

    def __init__(self, customer: str) -> None:
        self.customer = customer
        super().__init__(
            f"no customer `{customer}` in silver.customers, silver.entity_xref or the CRM feed; "
            "give a golden id (`cus_…`, from silver.customers) or a source id (`CRM-…`), e.g. "
            '`greenroom query "SELECT customer_id, email FROM silver.customers LIMIT 5"`'
        )


class ErasureIncompleteError(TerminalError):
    """An erasure step failed part way; running the same erasure again finishes it."""

    code = "erasure_incomplete"

    def __init__(self, step: str, reason: str) -> None:
        self.step = step
        self.reason = reason
        super().__init__(
            f"the erasure stopped at `{step}` ({reason}); nothing was recorded as erased: "
            "fix the cause and run `greenroom governance erase` again (it is idempotent)"
        )
