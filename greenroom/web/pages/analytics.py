"""The analytics pages' contexts: overview, venues, artists, sales.

Each function takes a governed reader (the caller's), the reference date and the filter
read from the URL, calls `greenroom.web.queries` (the same functions as the REST API, so a
page and `GET /api/analytics/...` agree), and shapes the result into KPI cards, chart
blocks and table rows for the templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenroom.web.pages import charts
from greenroom.web.pages.format import count, money, money2, pct

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader
    from greenroom.web.queries import AnalyticsFilter

KPI_LABELS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "revenue": ("Revenue", money),
    "tickets_sold": ("Tickets sold", count),
    "concerts": ("Concerts", count),
    "avg_ticket_price": ("Average ticket price", money2),
    "attendance_rate": ("Attendance rate", pct),
}
SALES_DAYS_CAP = 5_000
"""Sale days drawn at most (ten years of days); pages of 500 are fetched up to it."""


def overview(reader: Reader, today: dt.date, f: AnalyticsFilter) -> dict[str, Any]:
    from greenroom.web import queries

    data = queries.overview(reader, today, f)
    kpis = []
    for k in data.kpis:
        label, fmt = KPI_LABELS[k.metric]
        kpis.append(
            {
                "name": k.metric,
                "label": label,
                "value": fmt(k.value),
                "previous": fmt(k.previous) if k.previous is not None else None,
                "change": k.change,
            }
        )
    months = data.revenue_by_month
    month_labels = [m.month.strftime("%Y-%m") for m in months]
    revenue_chart = charts.spec(
        charts.bars_and_line(
            month_labels,
            [m.revenue for m in months],
            [m.tickets_sold for m in months],
            bar_name="Revenue (USD)",
            line_name="Tickets sold",
        ),
        ["month", "revenue", "tickets_sold"],
        [[label, m.revenue, m.tickets_sold] for label, m in zip(month_labels, months, strict=True)],
        "revenue-by-month.csv",
    )
    return {
        "period": data.period,
        "kpis": kpis,
        "revenue_chart": revenue_chart,
        "artists_chart": _top_chart(data.top_artists, "artist", "top-artists.csv"),
        "venues_chart": _top_chart(data.top_venues, "venue", "top-venues.csv"),
    }


def _top_chart(items: list[Any], what: str, filename: str) -> dict[str, Any]:
    return charts.spec(
        charts.bar(
            [i.name for i in items],
            [i.revenue for i in items],
            name="Revenue",
            value_title="Revenue (USD)",
            horizontal=True,
            money=True,
        ),
        [what, "revenue", "tickets_sold"],
        [[i.name, i.revenue, i.tickets_sold] for i in items],
        filename,
    )


def venues(
    reader: Reader, today: dt.date, f: AnalyticsFilter, limit: int, offset: int
) -> dict[str, Any]:
    from greenroom.web import queries

    page = queries.venue_popularity(
        reader, today, f, queries.Pagination(limit=limit, offset=offset)
    )
    rows = page.items
    top = sorted(rows, key=lambda r: r.revenue or 0.0, reverse=True)[:15]
    revenue_chart = charts.spec(
        charts.bar(
            [r.venue for r in top],
            [r.revenue for r in top],
            name="Revenue",
            value_title="Revenue (USD)",
            horizontal=True,
            money=True,
        ),
        ["venue", "city", "revenue", "tickets_sold"],
        [[r.venue, r.city, r.revenue, r.tickets_sold] for r in top],
        "venues-by-revenue.csv",
    )
    rated = [r for r in rows if r.attendance_rate is not None and r.capacity is not None]
    fill_chart = charts.spec(
        charts.scatter(
            [r.capacity for r in rated],
            [r.attendance_rate for r in rated],
            [r.venue for r in rated],
            x_title="Capacity",
            y_title="Attendance rate",
            y_percent=True,
        ),
        ["venue", "capacity", "attendance_rate"],
        [[r.venue, r.capacity, r.attendance_rate] for r in rated],
        "venue-attendance.csv",
    )
    table = [
        [
            count(r.popularity_rank),
            r.venue,
            f"{r.city}, {r.country}",
            r.venue_type,
            count(r.capacity),
            count(r.concerts),
            count(r.tickets_sold),
            money(r.revenue),
            pct(r.attendance_rate),
        ]
        for r in rows
    ]
    return {"page": page, "revenue_chart": revenue_chart, "fill_chart": fill_chart, "table": table}


def artists(
    reader: Reader, today: dt.date, f: AnalyticsFilter, limit: int, offset: int
) -> dict[str, Any]:
    from greenroom.web import queries

    page = queries.artist_performance(
        reader, today, f, queries.Pagination(limit=limit, offset=offset)
    )
    rows = page.items
    top = rows[:15]
    revenue_chart = charts.spec(
        charts.bar(
            [r.artist for r in top],
            [r.revenue for r in top],
            name="Revenue",
            value_title="Revenue (USD)",
            horizontal=True,
            money=True,
        ),
        ["artist", "genre", "revenue", "tickets_sold", "concerts"],
        [[r.artist, r.genre, r.revenue, r.tickets_sold, r.concerts] for r in top],
        "artists-by-revenue.csv",
    )
    trends: dict[str, int] = {}
    for r in rows:
        key = r.growth_trend or "unknown"
        trends[key] = trends.get(key, 0) + 1
    trend_chart = charts.spec(
        charts.bar(list(trends), list(trends.values()), name="Artists", value_title="Artists"),
        ["growth_trend", "artists"],
        [[k, v] for k, v in trends.items()],
        "artist-growth-trends.csv",
    )
    table = [
        [
            r.artist,
            r.genre or "—",
            r.growth_trend or "—",
            count(r.concerts),
            count(r.tickets_sold),
            money(r.revenue),
            money2(r.avg_ticket_price),
            pct(r.attendance_rate),
        ]
        for r in rows
    ]
    return {
        "page": page,
        "revenue_chart": revenue_chart,
        "trend_chart": trend_chart,
        "table": table,
    }


def sales(reader: Reader, today: dt.date, f: AnalyticsFilter) -> dict[str, Any]:
    from greenroom.web import queries

    days: list[Any] = []
    while len(days) < SALES_DAYS_CAP:
        page = queries.sales_by_day(
            reader, today, f, queries.Pagination(limit=500, offset=len(days))
        )
        days.extend(page.items)
        if not page.items or len(days) >= page.total:
            break
    day_labels = [d.day.isoformat() for d in days]
    daily_chart = charts.spec(
        charts.lines(
            day_labels,
            {"Tickets sold": [d.tickets_sold for d in days], "Orders": [d.orders for d in days]},
            value_title="Per sale day",
        ),
        ["day", "tickets_sold", "revenue", "orders"],
        [[d.day, d.tickets_sold, d.revenue, d.orders] for d in days],
        "sales-by-day.csv",
    )
    breakdowns = {}
    for by, title in (("channel", "channel"), ("price_tier", "price tier"), ("weekday", "weekday")):
        b = queries.breakdown(reader, today, f, by)  # type: ignore[arg-type]
        breakdowns[by] = {
            "title": f"Revenue by {title}",
            "spec": charts.spec(
                charts.bar(
                    [r.value for r in b.rows],
                    [r.revenue for r in b.rows],
                    name="Revenue",
                    value_title="Revenue (USD)",
                    money=True,
                ),
                [by, "revenue", "tickets_sold", "avg_ticket_price"],
                [[r.value, r.revenue, r.tickets_sold, r.avg_ticket_price] for r in b.rows],
                f"revenue-by-{by.replace('_', '-')}.csv",
            ),
        }
    totals = {
        "tickets": count(sum(d.tickets_sold for d in days)),
        "revenue": money(sum(d.revenue for d in days)),
        "orders": count(sum(d.orders for d in days)),
        "days": count(len(days)),
    }
    return {"daily_chart": daily_chart, "breakdowns": breakdowns, "totals": totals}
