"""Rendering pages: the Jinja2 environment, the signed-in caller, and HTML errors."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

if TYPE_CHECKING:
    from jinja2 import Environment

    from greenroom.web.auth import Caller


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("greenroom.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from greenroom.web.pages import format

    env.filters["thousands"] = format.count
    env.filters["money"] = format.money
    env.filters["money2"] = format.money2
    env.filters["pct"] = format.pct
    env.filters["score"] = format.score
    return env


def render(
    request: Request, template: str, caller: Caller | None, status: int = 200, **context: Any
) -> HTMLResponse:
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            caller=caller,
            csrf=caller.csrf if caller else None,
            path=request.url.path,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def to_signin(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import quote

    return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    """Only a local path (never `//host` or `http://…`): no open redirect after sign-in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
