"""Mounting the dashboard on the app: static files, Plotly from its package, the pages."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"


@cache
def plotly_js() -> Path:
    """plotly.min.js as shipped inside the installed `plotly` wheel (no CDN, works offline)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        from greenroom.errors import ConfigError

        raise ConfigError(f"plotly.min.js is missing from `{path.parent}`; reinstall plotly")
    return path


@cache
def swagger_ui() -> Path:
    """Swagger UI 5 (OpenAPI 3.1) as shipped inside the installed `fastapi-offline` wheel:
    FastAPI's own /docs loads it from a CDN, which an offline machine cannot reach."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
)
"""/docs alone runs FastAPI's one inline script that starts Swagger UI."""


def mount(app: FastAPI) -> None:
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    from greenroom.web.pages import signin, views

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> FileResponse:
        return FileResponse(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/static/vendor/swagger/{name}", include_in_schema=False)
    def swagger_asset(name: str) -> FileResponse:
        files = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                 "favicon.png": "image/png"}  # fmt: skip
        if name not in files:
            from starlette.exceptions import HTTPException

            raise HTTPException(404)
        return FileResponse(
            swagger_ui() / name,
            media_type=files[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="greenroom API",
            swagger_js_url="/static/vendor/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger/favicon.png",
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(signin.router)
    app.include_router(views.router)
