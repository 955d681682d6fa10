"""Who is calling: a bearer token, or a browser signed in with one.

- **API**: `Authorization: Bearer <token>`, checked against the token store each request,
  so a revoked token stops at once.
- **Browser**: signing in with a token sets `greenroom_session`, an HTTP-only, SameSite=Lax
  cookie signed with the home's key, holding the token's id, a fingerprint of its digest,
  a CSRF secret and a session id (signing out records that id: the cookie is dead on the
  server too, :mod:`greenroom.web.signouts`). Requests that change state with that cookie must echo the CSRF secret
  (header `X-CSRF-Token` or form field `csrf_token`); bearer requests need none, since a
  browser never sends a bearer token on its own.

Then the caller's rights are checked (:mod:`greenroom.governance.roles`, 403) and its
rate limit taken (429). Every request a token speaks for is audited (``token_used``,
:mod:`greenroom.web.audit`), refused ones included.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request

from greenroom.governance._keyfile import read_or_create
from greenroom.governance.exceptions import PermissionDeniedError, UnauthenticatedError
from greenroom.governance.roles import rights_of
from greenroom.web.signouts import SignedOut

if TYPE_CHECKING:
    from greenroom.governance.principals import Principal
    from greenroom.governance.roles import Right
    from greenroom.governance.tokens import TokenInfo, TokenStore
    from greenroom.web.ratelimit import RateLimiter

SESSION_COOKIE = "greenroom_session"
PRESESSION_COOKIE = "greenroom_signin"
CSRF_HEADER = "X-CSRF-Token"
CALLER_KEY = "greenroom_caller"
"""Where authentication leaves the caller in the ASGI scope's state (for the audit trail)."""
_SAFE = {"GET", "HEAD", "OPTIONS"}


class CsrfError(UnauthenticatedError):
    code = "csrf_failed"
    category = "authorization"
    suggested_action = "Reload the page and submit the form again."


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request."""

    token: TokenInfo
    principal: Principal
    csrf: str | None
    """The browser session's CSRF secret (None for bearer calls)."""
    via: str
    """`bearer` or `cookie`."""


class Authenticator:
    def __init__(
        self, store: TokenStore, limiter: RateLimiter, *, session_hours: float, secure: bool
    ) -> None:
        from itsdangerous import URLSafeTimedSerializer

        self.store = store
        self.limiter = limiter
        self.max_age = int(session_hours * 3600)
        self.secure = secure
        self._signer = URLSafeTimedSerializer(_session_key(store.home), salt="greenroom-session")
        self.signed_out = SignedOut(store.home / "auth" / "signouts.db")

    # ---- per request --------------------------------------------------------------------

    def caller(self, request: Request) -> Caller:
        """The caller, or `UnauthenticatedError`/`CsrfError`; the rate limit is taken."""
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise UnauthenticatedError("the Authorization header must be `Bearer <token>`")
            info = self.store.authenticate(token.strip())
            caller = Caller(info, info.as_principal(), None, "bearer")
        else:
            caller = self._from_cookie(request)
            if request.method not in _SAFE:
                self.check_csrf(request, caller, request.headers.get(CSRF_HEADER))
        _remember(request, caller)  # the token was used, whatever the answer: audited
        self.limiter.hit(caller.token.token_id)
        return caller

    def optional_caller(self, request: Request) -> Caller | None:
        """The signed-in browser's caller, or None (pages decide to redirect)."""
        try:
            caller = self._from_cookie(request)
        except UnauthenticatedError:
            return None
        _remember(request, caller)
        return caller

    def check_csrf(self, request: Request, caller: Caller, presented: str | None) -> None:
        if caller.via != "cookie":
            return
        if not presented or not caller.csrf or not hmac.compare_digest(presented, caller.csrf):
            raise CsrfError("the form's CSRF token is missing or does not match this sign-in")

    def _from_cookie(self, request: Request) -> Caller:
        from itsdangerous import BadSignature

        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            raise UnauthenticatedError("sign in, or send `Authorization: Bearer <token>`")
        try:
            data: dict[str, Any] = self._signer.loads(raw, max_age=self.max_age)
        except BadSignature:
            raise UnauthenticatedError("the sign-in has expired; sign in again") from None
        sid = str(data.get("sid", ""))
        if not sid or sid in self.signed_out:
            raise UnauthenticatedError("this sign-in has ended (signed out); sign in again")
        info = self.store.get(str(data.get("tid", "")))
        if info is None or not hmac.compare_digest(
            str(data.get("fp", "")), self.fingerprint(info.token_id)
        ):
            raise UnauthenticatedError("the token of this sign-in was revoked; sign in again")
        return Caller(info, info.as_principal(), str(data.get("csrf", "")), "cookie")

    # ---- sign-in ------------------------------------------------------------------------

    def session_cookie(self, info: TokenInfo) -> str:
        return self._signer.dumps(
            {
                "tid": info.token_id,
                "fp": self.fingerprint(info.token_id),
                "csrf": _secret(),
                "sid": _secret(),
            }
        )

    def sign_out(self, request: Request) -> None:
        """End the request's browser session on the server (its cookie stops working)."""
        from itsdangerous import BadSignature

        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return
        try:
            data: dict[str, Any] = self._signer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return
        if sid := str(data.get("sid", "")):
            self.signed_out.add(sid, time.time() + self.max_age)

    def fingerprint(self, token_id: str) -> str:
        """Changes when the token behind `token_id` does (the admin's can be re-set)."""
        if token_id == "admin":
            basis = hashlib.sha256(self.store.admin_token().encode()).hexdigest()
        else:
            basis = token_id
        return hashlib.sha256(f"fp:{basis}".encode()).hexdigest()[:24]

    def cookie_options(self) -> dict[str, Any]:
        return {
            "httponly": True,
            "samesite": "lax",
            "secure": self.secure,
            "path": "/",
            "max_age": self.max_age,
        }

    def presession_token(self) -> str:
        return _secret()


def _remember(request: Request, caller: Caller) -> None:
    """Leave the caller where the audit trail (`greenroom.web.audit`) finds it."""
    request.scope.setdefault("state", {})[CALLER_KEY] = caller


def require_right(caller: Caller, right: Right) -> None:
    if right not in rights_of(caller.principal.roles):
        raise PermissionDeniedError(caller.principal.name, caller.token.role, right)


def _secret() -> str:
    return secrets.token_urlsafe(24)


def _session_key(home: Path) -> str:
    """The home's cookie-signing key (created on first use)."""
    return read_or_create(home / "auth" / "session.key", lambda: secrets.token_hex(32))
