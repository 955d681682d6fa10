"""Analytics over HTTP: the dashboard's numbers, the same the chat gives (semantic layer).

Every route is a GET that depends only on the lake, so it is served from the snapshot-keyed
cache with an ETag. Filters and paging are query parameters (`?genre=metal&limit=20`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import ConfigDict, Field

from greenroom.web import queries as q
from greenroom.web.auth import Caller
from greenroom.web.deps import StateDep, requires, strict_query
from greenroom.web.errors import ERROR_RESPONSES
from greenroom.web.pool import principal_key

router = APIRouter(
    prefix="/api/analytics",
    tags=["analytics"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(strict_query)],
)

AnalyticsCaller = Annotated[Caller, Depends(requires("analytics"))]


class Params(q.AnalyticsFilter):
    """The filters plus a page."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    limit: int = Field(default=50, ge=1, le=500, description="Rows per page.")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Rows to skip.")

    def split(self) -> tuple[q.AnalyticsFilter, q.Pagination]:
        f = q.AnalyticsFilter(**self.model_dump(exclude={"limit", "offset"}))
        return f, q.Pagination(limit=self.limit, offset=self.offset)


async def cached(request: Request, state: StateDep, caller: Caller, compute: Any) -> Response:
    """`compute(reader)` under the caller's principal (in the threadpool), or its cached
    body (ETag / 304) straight from the event loop."""

    def run() -> Any:
        with state.readers.reader(caller.principal) as reader:
            return compute(reader)

    return await state.cache.respond(request, principal_key(caller.principal), run)


@router.get("/overview", response_model=q.Overview, summary="KPIs against the previous period")
async def overview(
    request: Request,
    state: StateDep,
    caller: AnalyticsCaller,
    f: Annotated[q.AnalyticsFilter, Query()],
) -> Response:
    """Revenue, tickets, concerts, average price and attendance rate for the dates given
    (default: the 12 months up to the reference date) against the period before, revenue
    by month, and the top artists and venues."""
    return await cached(request, state, caller, lambda r: q.overview(r, state.settings.today, f))


@router.get("/venues", response_model=q.Page[q.VenueRow], summary="Venue popularity")
async def venues(
    request: Request, state: StateDep, caller: AnalyticsCaller, p: Annotated[Params, Query()]
) -> Response:
    f, page = p.split()
    return await cached(
        request, state, caller, lambda r: q.venue_popularity(r, state.settings.today, f, page)
    )


@router.get("/artists", response_model=q.Page[q.ArtistRow], summary="Artist performance")
async def artists(
    request: Request, state: StateDep, caller: AnalyticsCaller, p: Annotated[Params, Query()]
) -> Response:
    f, page = p.split()
    return await cached(
        request, state, caller, lambda r: q.artist_performance(r, state.settings.today, f, page)
    )


@router.get("/sales/daily", response_model=q.Page[q.DayRow], summary="Sales by purchase day")
async def sales_daily(
    request: Request, state: StateDep, caller: AnalyticsCaller, p: Annotated[Params, Query()]
) -> Response:
    f, page = p.split()
    return await cached(
        request, state, caller, lambda r: q.sales_by_day(r, state.settings.today, f, page)
    )


@router.get(
    "/sales/breakdown/{by}", response_model=q.Breakdown, summary="Sales by channel, tier or weekday"
)
async def sales_breakdown(
    request: Request,
    state: StateDep,
    caller: AnalyticsCaller,
    by: q.BreakdownBy,
    f: Annotated[q.AnalyticsFilter, Query()],
) -> Response:
    return await cached(
        request, state, caller, lambda r: q.breakdown(r, state.settings.today, f, by)
    )


@router.get(
    "/concerts/{concert_id}",
    response_model=q.ConcertDetail,
    summary="One concert and its sales curve",
)
async def concert(
    request: Request,
    state: StateDep,
    caller: AnalyticsCaller,
    concert_id: Annotated[str, Path(min_length=1, max_length=100)],
) -> Response:
    return await cached(request, state, caller, lambda r: q.concert_detail(r, concert_id))


@router.get("/filters", response_model=q.FilterOptions, summary="Values for the filter fields")
async def filters(request: Request, state: StateDep, caller: AnalyticsCaller) -> Response:
    return await cached(request, state, caller, q.filter_options)
