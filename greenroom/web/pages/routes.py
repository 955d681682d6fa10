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


def mount(app: FastAPI) -> None:
    from greenroom.web.pages import signin, views

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> FileResponse:
        return FileResponse(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(signin.router)
    app.include_router(views.router)
