"""Insights over HTTP: forecasts of scheduled concerts and recommendations.

Both are GETs that depend only on the lake (the model registry is a lake table too), so
they are served from the snapshot-keyed cache with an ETag, like the analytics routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from greenroom.web import queries as q
from greenroom.web.api.analytics import AnalyticsCaller, cached
from greenroom.web.deps import StateDep, strict_query
from greenroom.web.errors import ERROR_RESPONSES

if TYPE_CHECKING:
    from greenroom.insights.recommend import UserPreferences

router = APIRouter(
    prefix="/api/insights",
    tags=["insights"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(strict_query)],
)


class ForecastParams(q.ForecastFilter):
    """The forecast filters plus a page."""

    limit: int = Field(default=50, ge=1, le=500, description="Rows per page.")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="Rows to skip.")

    def split(self) -> tuple[q.ForecastFilter, q.Pagination]:
        f = q.ForecastFilter(**self.model_dump(exclude={"limit", "offset"}))
        return f, q.Pagination(limit=self.limit, offset=self.offset)


class RecommendParams(BaseModel):
    """Who to recommend for: a customer, tastes, or both."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    customer: str | None = Field(
        default=None, max_length=100, description="A customer id (`cus_…`) of silver.customers."
    )
    genre: str | None = Field(default=None, max_length=200, description="A genre liked.")
    city: str | None = Field(default=None, max_length=200, description="A city to go to.")
    artist: str | None = Field(default=None, max_length=200, description="An artist liked.")
    budget: float | None = Field(
        default=None, gt=0, le=100_000, description="Highest cheapest-ticket price, USD."
    )
    limit: int = Field(default=10, ge=1, le=50, description="Recommendations wanted.")

    def preferences(self) -> UserPreferences:
        """As the recommender takes them (numpy and scipy load here, not at start-up)."""
        from greenroom.insights.recommend.model import UserPreferences

        return UserPreferences(
            customer_id=self.customer or None,
            genres=(self.genre.lower(),) if self.genre else (),
            cities=(self.city,) if self.city else (),
            liked_artists=(self.artist,) if self.artist else (),
            budget=self.budget,
            limit=self.limit,
        )


@router.get("/forecasts", response_model=q.ForecastPage, summary="Forecasts of scheduled concerts")
async def forecasts(
    request: Request,
    state: StateDep,
    caller: AnalyticsCaller,
    p: Annotated[ForecastParams, Query()],
) -> Response:
    """The latest forecast of each scheduled concert (tickets, 80% and 95% intervals,
    confidence) against tickets sold so far, soonest show first. Without
    gold.ticket_sales_forecast: `available` false and a message saying what to run."""
    f, page = p.split()
    return await cached(request, state, caller, lambda r: q.forecasts(r, f, page))


@router.get("/recommendations", response_model=q.Recommendations, summary="Concerts to recommend")
async def recommendations(
    request: Request,
    state: StateDep,
    caller: AnalyticsCaller,
    p: Annotated[RecommendParams, Query()],
) -> Response:
    """Upcoming concerts for a customer (`customer=cus_…`) or for tastes (genre, city,
    artist, budget), each with a reason. Nothing given: 400 `empty_preferences`; without a
    serving recommender: `available` false and a message saying what to train."""
    prefs = p.preferences()
    return await cached(request, state, caller, lambda r: q.recommendations(r, state.lake, prefs))
