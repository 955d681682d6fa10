"""`AuditTrail`: one ``token_used`` audit record for every authenticated request.

Authentication (`greenroom.web.auth`) leaves the caller in the request's state; when the
response starts, this middleware appends ``token_used`` — principal, token id, how it was
presented, method, route, path, status, correlation id — before a byte of the response is
sent. Responses served from the response cache or answered 304 pass here too, so the cache
cannot skip the audit. If the record cannot be written, the response is replaced by a 503
in the API's error shape (`audit_unavailable`) and its body dropped: no data leaves
without its record.

Requests no token speaks for (health, static files, a failed sign-in) leave no
``token_used`` record; a 401 has no principal to name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from greenroom.governance.exceptions import AuditUnavailableError
from greenroom.web.auth import CALLER_KEY

if TYPE_CHECKING:
    from greenroom.governance.audit import AuditLog
    from greenroom.web.auth import Caller


class AuditTrail:
    """ASGI middleware; `audit_of(scope)` gives the audit log of the app serving `scope`."""

    def __init__(self, app: ASGIApp, audit_of: Callable[[Scope], AuditLog]) -> None:
        self.app = app
        self.audit_of = audit_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = started = False

        async def audited_send(message: Message) -> None:
            nonlocal replaced, started
            if replaced:
                return  # the original body never leaves
            if message["type"] == "http.response.start":
                started = True
                caller: Caller | None = scope.get("state", {}).get(CALLER_KEY)
                if caller is not None:
                    try:
                        await run_in_threadpool(
                            _record, self.audit_of(scope), scope, caller, message["status"]
                        )
                    except AuditUnavailableError as exc:
                        replaced = True
                        await _unavailable(scope, send, exc)
                        return
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception:
            # An unexpected error is answered 500 outside this middleware: record it here.
            caller = scope.get("state", {}).get(CALLER_KEY)
            if caller is not None and not started:
                await run_in_threadpool(_record, self.audit_of(scope), scope, caller, 500)
            raise


def _record(audit: AuditLog, scope: Scope, caller: Caller, status: int) -> None:
    route = getattr(scope.get("route"), "path", None)
    path = str(scope.get("path", ""))
    audit.append(
        caller.principal.name,
        "token_used",
        route or path,
        {
            "token_id": caller.token.token_id,
            "via": caller.via,
            "method": scope.get("method"),
            "route": route,
            "path": path,
            "status": status,
            "correlation_id": scope.get("state", {}).get("correlation_id"),
        },
    )


async def _unavailable(scope: Scope, send: Send, exc: AuditUnavailableError) -> None:
    from greenroom.web.errors import send_error

    await send_error(
        send,
        503,
        code=exc.code,
        message=str(exc),
        category=exc.category,
        correlation=str(scope.get("state", {}).get("correlation_id") or "-"),
        action="An operator must make the audit log writable; nothing was served.",
        details=exc.error_payload()["data"],
        headers=((b"cache-control", b"no-store"),),
    )
