"""FastAPI dependencies: the app's state, the caller, and the right a route requires."""

# No `from __future__ import annotations` here: FastAPI must see the dependency objects
# inside `Annotated[...]` of the closures below, not strings naming closure variables.

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from greenroom.governance.principals import GovernedSession
from greenroom.governance.roles import Right
from greenroom.web.auth import Caller, require_right
from greenroom.web.state import WebState

_bearer = HTTPBearer(auto_error=False, description="A token from `greenroom auth token create`")


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.greenroom
    return state


def get_caller(
    request: Request,
    state: Annotated[WebState, Depends(get_state)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> Caller:
    """The authenticated caller (the bearer scheme is declared for the OpenAPI; the header
    itself is read by the authenticator, which also accepts a signed-in browser)."""
    return state.auth.caller(request)


def requires(right: Right) -> Callable[..., Caller]:
    def dependency(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        require_right(caller, right)
        return caller

    dependency.__name__ = f"requires_{right}"
    return dependency


def reader_for(right: Right) -> Callable[..., Iterator[GovernedSession]]:
    """A governed session bound to the caller's principal, borrowed for the request."""

    def dependency(
        caller: Annotated[Caller, Depends(requires(right))],
        state: Annotated[WebState, Depends(get_state)],
    ) -> Iterator[GovernedSession]:
        with state.readers.reader(caller.principal) as reader:
            yield reader

    dependency.__name__ = f"reader_for_{right}"
    return dependency


def single_valued_query(request: Request) -> None:
    """Refuse a query parameter given twice (`?artist=a&artist=b`): every parameter of the
    API holds one value, and silently keeping the last would answer another question."""
    from collections import Counter

    from fastapi.exceptions import RequestValidationError

    repeated = [
        k for k, n in Counter(k for k, _ in request.query_params.multi_items()).items() if n > 1
    ]
    if repeated:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", key),
                    "msg": "given more than once; send one value",
                    "type": "value_error",
                }
                for key in repeated
            ]
        )


StateDep = Annotated[WebState, Depends(get_state)]
