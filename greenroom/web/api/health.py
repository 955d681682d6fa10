"""`GET /api/health`: is the server up, and how fresh is the lake (no token needed)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from greenroom.web.deps import StateDep, strict_query

router = APIRouter(prefix="/api", tags=["health"], dependencies=[Depends(strict_query)])

STALE_AFTER_HOURS = 24.0


class LayerFreshness(BaseModel):
    layer: str = Field(description="raw zone namespace: bronze, silver, gold, ops, quarantine")
    tables: int
    last_updated: dt.datetime | None
    hours_since: float | None


class Health(BaseModel):
    status: Literal["ok", "empty", "unavailable"] = Field(
        description="`ok`: the lake answers; `empty`: no gold tables yet; `unavailable`: "
        "the lake cannot be read"
    )
    version: str = Field(description="greenroom's version")
    lake_version: str | None = Field(description="Changes whenever a snapshot lands")
    layers: list[LayerFreshness]
    message: str | None = None


@router.get("/health", response_model=Health, summary="Liveness and the lake's freshness")
async def health(request: Request, state: StateDep) -> Response:
    from greenroom.errors import GreenroomError

    try:
        return await state.cache.respond(request, "public", lambda: _measure(state))
    except GreenroomError as exc:
        body = Health(
            status="unavailable", version=_version(), lake_version=None, layers=[], message=str(exc)
        )
        return Response(body.model_dump_json(), media_type="application/json", status_code=503)


def _measure(state: StateDep) -> Health:
    now = dt.datetime.now(dt.UTC)
    tables = state.lake.list_tables()
    layers: dict[str, list[dt.datetime | None]] = {}
    for info in tables:
        layers.setdefault(info.name.split(".", 1)[0], []).append(info.last_updated)
    out = []
    for layer, stamps in sorted(layers.items()):
        known = [s for s in stamps if s is not None]
        newest = max(known) if known else None
        hours = None if newest is None else round((now - newest).total_seconds() / 3600, 2)
        out.append(
            LayerFreshness(layer=layer, tables=len(stamps), last_updated=newest, hours_since=hours)
        )
    status: Literal["ok", "empty"] = "ok" if "gold" in layers else "empty"
    return Health(status=status, version=_version(), lake_version=state.version(), layers=out)


def _version() -> str:
    from greenroom import __version__

    return __version__
