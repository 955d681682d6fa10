"""One error shape for the whole API (the seed's `ErrorResponse`), and the HTTP statuses.

The web layer alone maps errors to statuses. A :class:`~greenroom.errors.GreenroomError`
keeps its stable `code`, its message (the line the CLI would print) and its data; anything
else is a bug: logged with its traceback, answered 500 without one.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import Send

from greenroom.errors import GreenroomError

log = logging.getLogger("greenroom.web")


class ErrorResponse(BaseModel):
    """Every error the API returns, whatever the status."""

    error_code: str = Field(description="Stable snake_case code, shared with the CLI and chat.")
    error_message: str = Field(description="One line a person can act on.")
    error_category: str = Field(
        description="authentication, authorization, user, validation, rate_limit, runtime, ..."
    )
    timestamp: dt.datetime
    correlation_id: str = Field(description="Quote it when reporting a problem (also a header).")
    retry_after: int | None = Field(default=None, description="Seconds before retrying helps.")
    suggested_action: str | None = None
    details: dict[str, Any] = Field(default_factory=dict, description="The error's data.")


_BY_CATEGORY = {
    "authentication": 401,
    "authorization": 403,
    "rate_limit": 429,
    "user": 400,
    "configuration": 500,
    "runtime": 500,
    "internal": 500,
}
_DEFAULT_ACTION = {
    "user": "Change the request as the message says, then send it again.",
    "validation": "Fix the named field, then send the request again.",
    "runtime": "Retry later; if it persists, report the correlation id.",
    "configuration": "An operator must fix the server's settings; report the correlation id.",
    "audit": "An operator must make the audit log writable; nothing was served.",
    "internal": "Report the correlation id; this is a bug.",
}


def status_for(exc: GreenroomError) -> int:
    """The HTTP status of a greenroom error: by its code where that is more exact, else
    by its category; transient failures are 503."""
    from greenroom.errors import TransientError

    if exc.code.endswith("_not_found"):
        return 404
    if exc.code in {"request_too_large"}:
        return 413
    if isinstance(exc, TransientError) or exc.category == "audit":
        return 503  # no audit record, no access: the service is unavailable until fixed
    return _BY_CATEGORY.get(exc.category, 500)


def error_body(
    request: Request,
    *,
    code: str,
    message: str,
    category: str,
    retry_after: int | None = None,
    action: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return ErrorResponse(
        error_code=code,
        error_message=message,
        error_category=category,
        timestamp=dt.datetime.now(dt.UTC),
        correlation_id=correlation_id(request),
        retry_after=retry_after,
        suggested_action=action or _DEFAULT_ACTION.get(category),
        details=details or {},
    ).model_dump(mode="json")


async def send_error(
    send: Send,
    status: int,
    *,
    code: str,
    message: str,
    category: str,
    correlation: str,
    action: str | None = None,
    details: dict[str, Any] | None = None,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """The error shape sent by raw ASGI middleware (which has no `Request` to answer with)."""
    import json

    body = ErrorResponse(
        error_code=code,
        error_message=message,
        error_category=category,
        timestamp=dt.datetime.now(dt.UTC),
        correlation_id=correlation or "-",
        retry_after=None,
        suggested_action=action or _DEFAULT_ACTION.get(category),
        details=details or {},
    ).model_dump(mode="json")
    data = json.dumps(body).encode()
    start_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": data})


def correlation_id(request: Request) -> str:
    return str(getattr(request.state, "correlation_id", "") or "-")


def greenroom_error_response(request: Request, exc: GreenroomError) -> JSONResponse:
    payload = exc.error_payload()
    status = status_for(exc)
    retry_after = math.ceil(exc.retry_after) if exc.retry_after else None
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="greenroom"'}
    if status >= 500:
        log.error("%s [%s]: %s", exc.code, correlation_id(request), exc)
    body = error_body(
        request,
        code=exc.code,
        message=payload["message"],
        category=exc.category,
        retry_after=retry_after,
        action=exc.suggested_action,
        details=payload["data"],
    )
    return JSONResponse(body, status_code=status, headers=headers)


def validation_error_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming the first bad field (`body.message: Field required`) and listing all."""
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "problem": "invalid"}
    message = f"`{first['field']}`: {first['problem']}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    body = error_body(
        request,
        code="request_invalid",
        message=message,
        category="validation",
        details={"errors": errors},
    )
    return JSONResponse(body, status_code=422)


def http_error_response(request: Request, exc: HTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
        exc.status_code, f"http_{exc.status_code}"
    )
    message = str(exc.detail)
    if exc.status_code == 404:
        message = f"no such endpoint `{request.url.path}`; the API is listed at /docs"
    elif exc.status_code == 405:
        message = f"`{request.method}` is not allowed on `{request.url.path}`"
    details = {"limit_bytes": 1024 * 1024} if exc.status_code == 413 else None
    body = error_body(request, code=code, message=message, category="user", details=details)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def unexpected_error_response(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error [%s]", correlation_id(request), exc_info=exc)
    body = error_body(
        request,
        code="internal_error",
        message="the server failed unexpectedly; nothing was changed",
        category="internal",
    )
    return JSONResponse(body, status_code=500)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "The request cannot be answered as asked",
        401: "No valid token",
        403: "The principal's role does not allow this",
        404: "Not found",
        413: "Request body over 1 MB",
        422: "Malformed request: the field is named",
        429: "Rate limit reached; see Retry-After",
        500: "A fault on the server",
        503: "A transient failure, or the audit log cannot be written (nothing is served "
        "without its record); retry",
    }.items()
}
"""The error responses every API route documents in the OpenAPI."""
