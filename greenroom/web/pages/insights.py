"""The insights pages' contexts: forecasts of scheduled concerts, recommendations.

Like the analytics pages, they call `greenroom.web.queries` (the functions behind
`GET /api/insights/...`) with the caller's governed reader, so a page and the API agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greenroom.web.pages import charts
from greenroom.web.pages.format import count, pct, score

if TYPE_CHECKING:
    from greenroom.insights.recommend import UserPreferences
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader
    from greenroom.web.queries import ForecastFilter

CHART_ROWS = 20
"""Concerts drawn in the forecast chart (the page's first, soonest shows)."""


def forecasts(reader: Reader, f: ForecastFilter, limit: int, offset: int) -> dict[str, Any]:
    from greenroom.web import queries

    page = queries.forecasts(reader, f, queries.Pagination(limit=limit, offset=offset))
    rows = page.items
    shown = rows[:CHART_ROWS]
    labels = [f"{r.artist} · {r.venue} · {r.show_date:%Y-%m-%d}" for r in shown]
    chart = charts.spec(
        charts.intervals(
            labels,
            [r.predicted_value for r in shown],
            ([r.lower_80 for r in shown], [r.upper_80 for r in shown]),
            ([r.lower_95 for r in shown], [r.upper_95 for r in shown]),
            [r.sold_so_far for r in shown],
            value_title="Tickets",
        ),
        [
            "concert_id",
            "artist",
            "venue",
            "show_date",
            "predicted_value",
            "lower_80",
            "upper_80",
            "lower_95",
            "upper_95",
            "sold_so_far",
        ],
        [
            [
                r.concert_id,
                r.artist,
                r.venue,
                r.show_date,
                r.predicted_value,
                r.lower_80,
                r.upper_80,
                r.lower_95,
                r.upper_95,
                r.sold_so_far,
            ]
            for r in shown
        ],
        "forecasts.csv",
    )
    table = [
        [
            r.show_date.isoformat(),
            r.artist,
            f"{r.venue}, {r.city}",
            count(r.predicted_value),
            f"{count(r.lower_80)}–{count(r.upper_80)}",
            f"{count(r.lower_95)}–{count(r.upper_95)}",
            count(r.sold_so_far),
            pct(r.progress),
            score(r.confidence_score) + (" (low)" if r.low_confidence else ""),
        ]
        for r in rows
    ]
    return {
        "page": page,
        "chart": chart,
        "table": table,
        "low": sum(r.low_confidence for r in rows),
    }


def recommendations(reader: Reader, lake: Lakehouse, prefs: UserPreferences) -> dict[str, Any]:
    from greenroom.web import queries

    result = queries.recommendations(reader, lake, prefs)
    table = [
        [
            r.date.strftime("%Y-%m-%d"),
            r.artist,
            f"{r.venue}, {r.city}",
            r.reason,
            f"{r.score:.3f}",
        ]
        for r in result.items
    ]
    return {"result": result, "table": table}
