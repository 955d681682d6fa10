"""The analytics views' response models (they are the REST API's response schemas).

Amounts are USD; rates are fractions (0.82, shown as 82%); a value that cannot be
computed (no sales, no completed concert, a ratio over zero) is null.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KpiName = Literal["revenue", "tickets_sold", "concerts", "avg_ticket_price", "attendance_rate"]
BreakdownBy = Literal["channel", "price_tier", "weekday"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Kpi(_Record):
    metric: KpiName = Field(description="The semantic layer's metric name.")
    value: float | None = Field(description="The metric over the period.")
    previous: float | None = Field(description="The metric over the previous period.")
    change: float | None = Field(
        description="Growth (value − previous) / previous as a fraction; null when previous "
        "is null or 0."
    )


class PeriodSpan(_Record):
    start: dt.date = Field(description="First concert date of the period (inclusive).")
    end: dt.date = Field(description="Last concert date of the period (inclusive).")
    previous_start: dt.date = Field(description="First date of the period compared with.")
    previous_end: dt.date = Field(description="Last date of the period compared with.")


class MonthPoint(_Record):
    month: dt.date = Field(description="First day of the month of the concerts' event_date.")
    revenue: float | None = Field(description="Revenue of the month's concerts, USD.")
    tickets_sold: int | None = Field(description="Tickets sold for the month's concerts.")


class TopItem(_Record):
    name: str = Field(description="Artist or venue name.")
    revenue: float | None = Field(description="Revenue within the period and filters, USD.")
    tickets_sold: int | None = Field(description="Tickets sold within the period and filters.")


class Overview(_Record):
    period: PeriodSpan = Field(description="The period measured and the one compared with.")
    kpis: list[Kpi] = Field(
        description="revenue, tickets_sold, concerts, avg_ticket_price, attendance_rate."
    )
    revenue_by_month: list[MonthPoint] = Field(
        description="Revenue and tickets per month of event_date in the period (months "
        "without sales are absent), oldest first."
    )
    top_artists: list[TopItem] = Field(description="The 5 artists with the most revenue.")
    top_venues: list[TopItem] = Field(description="The 5 venues with the most revenue.")


class VenueRow(_Record):
    venue: str = Field(description="Venue name.")
    city: str = Field(description="Venue city.")
    country: str = Field(description="Venue country, ISO 3166-1 alpha-2.")
    venue_type: str = Field(description="`arena`, `theater`, `club` or `outdoor`.")
    capacity: int | None = Field(description="Seats or standing places.")
    concerts: int | None = Field(description="Non-cancelled concerts.")
    tickets_sold: int | None = Field(description="Tickets sold (cancelled concerts excluded).")
    revenue: float | None = Field(description="Ticket revenue, USD (cancelled excluded).")
    attendance_rate: float | None = Field(
        description="Mean over completed concerts of attendance / capacity; null under a "
        "channel filter (attendance is not split by channel)."
    )
    average_attendance: float | None = Field(description="Tickets sold per completed concert.")
    popularity_rank: int | None = Field(
        description="Without filters: gold.venue_popularity's rank (1 = most popular). With "
        "any filter: the rank by revenue within the filter (1 = most revenue)."
    )


class ArtistRow(_Record):
    artist: str = Field(description="Artist name.")
    genre: str | None = Field(description="The artist's primary genre.")
    growth_trend: str | None = Field(
        description="gold.artist_performance: `growing`, `stable` or `declining`."
    )
    concerts: int | None = Field(description="Non-cancelled concerts.")
    tickets_sold: int | None = Field(description="Tickets sold (cancelled concerts excluded).")
    revenue: float | None = Field(description="Ticket revenue, USD (cancelled excluded).")
    avg_ticket_price: float | None = Field(description="Revenue / tickets sold, USD.")
    attendance_rate: float | None = Field(
        description="Mean over completed concerts of attendance / capacity; null under a "
        "channel filter."
    )


class DayRow(_Record):
    day: dt.date = Field(description="The sale date: UTC date of the ticket purchase.")
    tickets_sold: int = Field(description="Tickets bought that day.")
    revenue: float = Field(description="Revenue of the tickets bought that day, USD.")
    orders: int = Field(description="Sales (purchases, rows of silver.ticket_sales) that day.")


class BreakdownRow(_Record):
    value: str = Field(description="The channel, price tier or weekday.")
    revenue: float | None = Field(description="Revenue, USD.")
    tickets_sold: int | None = Field(description="Tickets sold.")
    avg_ticket_price: float | None = Field(description="Revenue / tickets sold, USD.")


class Breakdown(_Record):
    by: BreakdownBy = Field(
        description="What the rows are: `channel`, `price_tier` or `weekday` (of the "
        "concert's event_date)."
    )
    rows: list[BreakdownRow] = Field(
        description="One row per value; weekdays Monday first, else most revenue first."
    )


class SalesDay(_Record):
    day: dt.date = Field(description="The sale date (UTC).")
    days_before: int = Field(
        description="Days from the sale date to the concert's date (0 = the day of the show)."
    )
    tickets_sold: int = Field(description="Tickets bought that day.")
    revenue: float = Field(description="Revenue of that day's sales, USD.")
    cumulative_tickets: int = Field(description="Tickets sold up to and including that day.")
    cumulative_revenue: float = Field(description="Revenue up to and including that day, USD.")


class ConcertDetail(_Record):
    concert_id: str = Field(description="The concert's id.")
    artist: str = Field(description="Artist name.")
    venue: str = Field(description="Venue name.")
    city: str = Field(description="Venue city.")
    country: str = Field(description="Venue country, ISO 3166-1 alpha-2.")
    event_date: dt.date = Field(description="The show's date (UTC).")
    status: str = Field(description="`scheduled`, `completed` or `cancelled`.")
    capacity: int | None = Field(description="The venue's capacity.")
    tickets_sold: int = Field(
        description="Tickets sold for this concert (all its sales, whatever its status)."
    )
    revenue: float = Field(description="Its ticket revenue, USD.")
    attendance_rate: float | None = Field(
        description="total_attendance / capacity for a completed concert, else null."
    )
    sales_curve: list[SalesDay] = Field(
        description="Per sale day, oldest first; the last cumulative values equal "
        "tickets_sold and revenue."
    )


class FilterOptions(_Record):
    genres: list[str] = Field(description="Every genre an artist plays, sorted.")
    countries: list[str] = Field(description="Venue countries, sorted.")
    cities: list[str] = Field(description="Venue cities, sorted.")
    channels: list[str] = Field(description="Sales channels.")
    artists: list[str] = Field(description="Artist names, sorted.")
    venues: list[str] = Field(description="Venue names, sorted.")
