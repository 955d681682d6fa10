"""ASGI middleware: a correlation id on every request, a 1 MB cap on bodies, and headers
that keep pages from being framed or sniffed."""

from __future__ import annotations

import re
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024
_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
        b"form-action 'self'",
    ),
]


class _TooLarge(HTTPException):
    """Raised from `receive` once a body without a Content-Length passes the cap; an
    HTTPException so that FastAPI's body parsing lets it through (as 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes")


class RequestGuard:
    """Correlation id (`X-Correlation-Id`, echoed or made), body cap (413), safe headers."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-correlation-id", b"").decode("latin-1")
        correlation = given if _ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"x-correlation-id", correlation.encode())]
                extra += [h for h in _SECURITY_HEADERS if h[0] not in _names(message)]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(send_with_headers, correlation)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge(self.max_body)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except _TooLarge:
            if started:
                raise
            await self._too_large(send_with_headers, correlation)

    async def _too_large(self, send: Send, correlation: str) -> None:
        from greenroom.web.errors import send_error

        await send_error(
            send,
            413,
            code="request_too_large",
            message=f"the request body is over {self.max_body:,} bytes",
            category="user",
            correlation=correlation,
            action="Send a smaller body (ask a shorter question, or page the query).",
            details={"limit_bytes": self.max_body},
            headers=((b"connection", b"close"),),
        )


def _names(message: Message) -> set[bytes]:
    return {k.lower() for k, _ in message.get("headers", [])}
