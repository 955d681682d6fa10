"""Sign in with a token (sets the session cookie), sign out (clears it).

The sign-in form is protected by a double-submit token: `GET /signin` sets a short-lived
cookie and puts the same random value in the form; `POST /signin` must carry both.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from greenroom.governance.exceptions import UnauthenticatedError
from greenroom.web.auth import PRESESSION_COOKIE, SESSION_COOKIE
from greenroom.web.deps import StateDep
from greenroom.web.pages.render import render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/signin")
def signin_form(request: Request, state: StateDep, next: str = "/") -> Response:
    token = state.auth.presession_token()
    response = render(
        request, "signin.html", None, title="Sign in", form_token=token, next=safe_next(next)
    )
    response.set_cookie(
        PRESESSION_COOKIE, token, max_age=600, httponly=True, samesite="strict", path="/signin"
    )
    return response


@router.post("/signin")
def signin(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form(max_length=500)],
    form_token: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = request.cookies.get(PRESESSION_COOKIE, "")
    error = None
    if not expected or not hmac.compare_digest(expected, form_token):
        error = "The sign-in form expired; it has been reloaded, please try again."
    else:
        try:
            info = state.auth.store.authenticate(token.strip())
        except UnauthenticatedError:
            error = "That token is not valid (unknown, revoked or mistyped)."
    if error is not None:
        fresh = state.auth.presession_token()
        response = render(
            request,
            "signin.html",
            None,
            401,
            title="Sign in",
            form_token=fresh,
            next=safe_next(next),
            error=error,
        )
        response.set_cookie(
            PRESESSION_COOKIE, fresh, max_age=600, httponly=True, samesite="strict", path="/signin"
        )
        return response
    done = RedirectResponse(safe_next(next), status_code=303)
    done.set_cookie(SESSION_COOKIE, state.auth.session_cookie(info), **state.auth.cookie_options())
    done.delete_cookie(PRESESSION_COOKIE, path="/signin")
    return done


@router.post("/signout")
def signout(
    request: Request, state: StateDep, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    caller = state.auth.optional_caller(request)
    if caller is not None:
        state.auth.check_csrf(request, caller, csrf_token)
        state.auth.sign_out(request)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
