"""FastAPI dependencies: the app's state, the caller, and the right a route requires.

The light ones are `async`: they run on the event loop, so a request answered from the
cache never hops onto the threadpool (authentication is a digest compare and, for a
non-admin token, one indexed SQLite read)."""

# No `from __future__ import annotations` here: FastAPI must see the dependency objects
# inside `Annotated[...]` of the closures below, not strings naming closure variables.

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from greenroom.governance.roles import Right
from greenroom.governance.session import GovernedSession
from greenroom.web.auth import Caller, require_right
from greenroom.web.state import WebState

_bearer = HTTPBearer(auto_error=False, description="A token from `greenroom auth token create`")


async def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.greenroom
    return state


async def get_caller(
    request: Request,
    state: Annotated[WebState, Depends(get_state)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> Caller:
    """The authenticated caller (the bearer scheme is declared for the OpenAPI; the header
    itself is read by the authenticator, which also accepts a signed-in browser)."""
    return state.auth.caller(request)


def requires(right: Right) -> Callable[..., Awaitable[Caller]]:
    async def dependency(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
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


async def strict_query(request: Request) -> None:
    """Refuse query parameters the route does not publish in its OpenAPI, and any given
    twice (`?artist=a&artist=b`): silently ignoring one, or keeping the last, would answer
    another question than the one asked."""
    from collections import Counter

    from fastapi.exceptions import RequestValidationError

    names = Counter(k for k, _ in request.query_params.multi_items())
    allowed = _published_query_names(request)
    errors = [
        {
            "loc": ("query", key),
            "msg": "given more than once; send one value",
            "type": "value_error",
        }
        for key, n in names.items()
        if n > 1
    ] + [
        {
            "loc": ("query", key),
            "msg": f"not a parameter of this route (it takes: {', '.join(sorted(allowed)) or 'none'})",
            "type": "extra_forbidden",
        }
        for key in names
        if key not in allowed
    ]
    if errors:
        raise RequestValidationError(errors)


def _published_query_names(request: Request) -> frozenset[str]:
    """The query parameters the OpenAPI publishes for the matched route and method."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    state = request.app.state
    if not hasattr(state, "query_names"):
        state.query_names = {}
    cache: dict[tuple[str, str], frozenset[str]] = state.query_names
    key = (str(path), request.method.lower())
    if key not in cache:
        operation = request.app.openapi().get("paths", {}).get(path, {}).get(key[1], {})
        cache[key] = frozenset(
            p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
        )
    return cache[key]


StateDep = Annotated[WebState, Depends(get_state)]
