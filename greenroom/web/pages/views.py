"""The dashboard's pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from greenroom.web.deps import StateDep
from greenroom.web.pages.render import render, to_signin

router = APIRouter(include_in_schema=False)


@router.get("/")
def overview(request: Request, state: StateDep) -> Response:
    caller = state.auth.optional_caller(request)
    if caller is None:
        return to_signin(request)
    return render(request, "base.html", caller, title="Overview")
