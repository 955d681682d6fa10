"""The insights views' response models: forecasts of scheduled concerts, recommendations.

Both say whether they could be computed (`available`) and, when not, what to run
(`message`): a lake without `gold.ticket_sales_forecast`, or without a serving recommender,
is a state to explain, not an error.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from greenroom.semantic.query import IsoDate
from greenroom.web.queries.filters import AnalyticsFilter, Page

NO_FORECASTS = "no forecasts yet: run `greenroom ml train` then `greenroom pipeline run`"
NO_RECOMMENDER = (
    "no recommender is serving yet: run `greenroom ml train recommender` "
    "(`greenroom ml models` lists what is registered)"
)


class ForecastFilter(BaseModel):
    """Which forecasts to list: the analytics filters but the sales channel (a forecast is
    per show), dates over the show's date, and the confidence flag."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    date_from: IsoDate | None = Field(default=None, description="First show date (inclusive).")
    date_to: IsoDate | None = Field(default=None, description="Last show date (inclusive).")
    artist: str | None = Field(default=None, max_length=200, description="Artist name, exact.")
    venue: str | None = Field(default=None, max_length=200, description="Venue name, exact.")
    city: str | None = Field(default=None, max_length=200, description="Venue city, exact.")
    country: str | None = Field(
        default=None, max_length=200, description="Venue country, ISO 3166-1 alpha-2 (e.g. `DE`)."
    )
    genre: str | None = Field(
        default=None, max_length=200, description="A genre the artist plays (lower case)."
    )
    low_confidence: bool | None = Field(
        default=None,
        description="Only low-confidence forecasts (`true`) or only confident ones (`false`).",
    )

    @field_validator("artist", "venue", "city", "country", "genre")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _ordered_dates(self) -> ForecastFilter:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(
                f"`date_from` ({self.date_from}) is after `date_to` ({self.date_to}); "
                "swap them or leave one empty"
            )
        return self

    def analytics(self) -> AnalyticsFilter:
        """The same filters as an `AnalyticsFilter` (validates the dates' order too)."""
        return AnalyticsFilter(**self.model_dump(exclude={"low_confidence"}))


class ForecastRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    concert_id: str = Field(description="The scheduled concert.")
    artist: str = Field(description="Artist name (silver.artists).")
    venue: str = Field(description="Venue name (silver.venues).")
    city: str = Field(description="Venue city.")
    country: str = Field(description="Venue country, ISO 3166-1 alpha-2.")
    show_date: dt.date = Field(description="The concert's date.")
    predicted_value: float = Field(description="Forecast tickets sold at the show.")
    lower_80: float = Field(description="Lower bound of the 80% interval, tickets.")
    upper_80: float = Field(description="Upper bound of the 80% interval, tickets.")
    lower_95: float = Field(description="Lower bound of the 95% interval, tickets.")
    upper_95: float = Field(description="Upper bound of the 95% interval, tickets.")
    confidence_score: float = Field(description="0..1; higher is a narrower interval.")
    low_confidence: bool = Field(description="True when the forecast should not be relied on.")
    sold_so_far: float | None = Field(description="Tickets sold up to the prediction date.")
    progress: float | None = Field(
        description="sold_so_far / predicted_value as a fraction; null when either is missing."
    )
    model_version: int = Field(description="The forecaster's registry version.")
    prediction_date: dt.date = Field(description="The day the forecast was made.")


class ForecastPage(Page[ForecastRow]):
    """The latest forecast of each scheduled concert under the filters, soonest first."""

    available: bool = Field(description="False when gold.ticket_sales_forecast does not exist.")
    message: str | None = Field(default=None, description="Why nothing is available, if so.")


class RecommendationRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    concert_id: str = Field(description="The upcoming concert.")
    artist: str = Field(description="Artist name.")
    venue: str = Field(description="Venue name.")
    city: str = Field(description="Venue city.")
    date: dt.datetime = Field(description="The concert's start.")
    score: float = Field(description="The hybrid score (higher ranks first).")
    reason: str = Field(description="Why it is recommended, in words.")


class Recommendations(BaseModel):
    """Upcoming concerts for a customer or for tastes, best first, each with a reason."""

    available: bool = Field(description="False when no recommender model is serving.")
    message: str | None = Field(default=None, description="Why nothing is available, if so.")
    model_version: int | None = Field(description="The recommender's serving version.")
    items: list[RecommendationRow] = Field(description="The recommendations, best first.")
