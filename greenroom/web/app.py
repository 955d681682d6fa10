"""The web app: REST API, dashboard pages and chat, in one FastAPI process.

`create_app(settings)` builds it; `greenroom serve` runs it on uvicorn. Nothing is opened at
import or at build time: the lake, the token store and the pools open on first use
(:class:`~greenroom.web.state.WebState`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from greenroom.errors import GreenroomError
from greenroom.web import errors
from greenroom.web.audit import AuditTrail
from greenroom.web.middleware import RequestGuard
from greenroom.web.state import WebState

if TYPE_CHECKING:
    from greenroom.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    from greenroom import __version__
    from greenroom.config import get_settings
    from greenroom.web.api import analytics, chat, health, insights, metrics, ops
    from greenroom.web.pages import routes as pages

    state = WebState(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="greenroom",
        version=__version__,
        summary="Concert data made ready for AI: the REST API of the dashboard and the chat.",
        description=(
            "Every route but `/api/health` needs `Authorization: Bearer <token>` (or a signed-in "
            "browser). Errors share one shape, `ErrorResponse`. See docs/web.md."
        ),
        lifespan=lifespan,
        docs_url=None,  # served from the installed package instead: pages/routes.py
        redoc_url=None,
    )
    app.state.greenroom = state
    app.add_exception_handler(GreenroomError, errors.greenroom_error_response)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, errors.validation_error_response)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, errors.http_error_response)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, errors.unexpected_error_response)
    for module in (health, chat, metrics, analytics, insights, ops):
        app.include_router(module.router)
    pages.mount(app)
    app.add_middleware(AuditTrail, audit_of=lambda scope: scope["app"].state.greenroom.audit)
    app.add_middleware(RequestGuard)  # outermost: the audit's 503 gets its headers too
    return app
