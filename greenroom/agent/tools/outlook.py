"""`revenue_outlook`: what can honestly be said about a coming period's revenue.

There is no revenue model: the forecaster predicts tickets per concert. So the outlook is
the forecast tickets of the period's scheduled concerts (summed point forecasts; intervals
do not add up, so none is quoted), the revenue already booked for them, and — labelled as
a rough estimate, not a forecast — forecast tickets × the average ticket price of the last
12 months.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from greenroom.agent.tools.base import ToolResult

if TYPE_CHECKING:
    from greenroom.agent.tools.models import ArtefactSource
    from greenroom.lake.reader import Reader

MODEL = "ticket_sales_forecast"
_PRICE = """
SELECT SUM(s.quantity * s.unit_price) / NULLIF(SUM(s.quantity), 0) AS price,
       (SELECT COALESCE(SUM(s2.quantity * s2.unit_price), 0) FROM silver.ticket_sales s2
        JOIN silver.concerts c2 ON c2.concert_id = s2.concert_id
        WHERE c2.status = 'scheduled' AND c2.event_date >= ?::TIMESTAMP
          AND c2.event_date < ?::TIMESTAMP) AS booked
FROM silver.ticket_sales s JOIN silver.concerts c ON c.concert_id = s.concert_id
WHERE c.status = 'completed' AND c.event_date >= ?::TIMESTAMP AND c.event_date < ?::TIMESTAMP
"""


def window(period: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The label, first day and end (exclusive) of `period` as of `today`."""
    month = dt.date(today.year, today.month, 1)

    def plus(day: dt.date, months: int) -> dt.date:
        index = day.year * 12 + day.month - 1 + months
        return dt.date(index // 12, index % 12 + 1, 1)

    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    spans = {
        "this_month": ("this month", month, plus(month, 1)),
        "next_quarter": ("next quarter", plus(quarter, 3), plus(quarter, 6)),
        "this_quarter": ("this quarter", quarter, plus(quarter, 3)),
        "rest_of_year": ("the rest of the year", today, dt.date(today.year + 1, 1, 1)),
    }
    return spans.get(period, ("next month", plus(month, 1), plus(month, 2)))


class RevenueOutlookTool:
    name = "revenue_outlook"
    description = (
        "A coming period's outlook: forecast tickets of its scheduled concerts, revenue "
        "already booked, and a rough revenue estimate (no revenue model exists)."
    )

    def __init__(self, reader: Reader, artefacts: ArtefactSource, today: dt.date) -> None:
        self.reader = reader
        self.artefacts = artefacts
        self.today = today

    def input_schema(self) -> dict[str, Any]:
        periods = ["next_month", "this_month", "next_quarter", "this_quarter", "rest_of_year"]
        return {"type": "object", "properties": {"period": {"enum": periods}}}

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        from greenroom.insights.forecast import TrainedForecaster
        from greenroom.insights.forecast.features import build_features, concert_targets

        model = TrainedForecaster.from_artefact(self.artefacts(MODEL))
        label, start, end = window(arguments.get("period") or "next_month", self.today)
        start = max(start, self.today)
        targets = concert_targets(
            self.reader,
            "c.status = 'scheduled' AND c.event_date >= ?::TIMESTAMP"
            " AND c.event_date < ?::TIMESTAMP",
            "?::DATE",
            [min(self.today, model.today), start, end],
        )
        tickets = 0.0
        if targets.num_rows:
            predicted = model.predict(build_features(self.reader, targets))
            tickets = float(sum(predicted["predicted_value"].to_pylist()))
        year_ago = self.today.replace(year=self.today.year - 1)
        facts = self.reader.sql(_PRICE, [start, end, year_ago, self.today]).to_pylist()[0]
        price, booked = facts["price"], float(facts["booked"] or 0.0)
        rough = tickets * price if price is not None else None
        span = f"{label} ({start:%-d %b} to {end - dt.timedelta(days=1):%-d %b %Y})"
        if not targets.num_rows:
            text = f"No concert is scheduled for {span}, so there is nothing to forecast."
        else:
            text = (
                f"I have no revenue forecast: the model forecasts tickets per concert. For "
                f"{span}: {targets.num_rows:,} scheduled concerts, forecast to sell about "
                f"{tickets:,.0f} tickets in total; ${booked:,.0f} of revenue is already booked."
            )
            if rough is not None:
                text += (
                    f" A rough estimate, not a forecast: {tickets:,.0f} tickets × ${price:,.2f} "
                    f"(the average ticket price of the last 12 months) ≈ ${rough:,.0f}."
                )
        row = {
            "period": label,
            "start": start,
            "end": end,
            "scheduled_concerts": targets.num_rows,
            "forecast_tickets": round(tickets, 1),
            "booked_revenue": round(booked, 2),
            "avg_ticket_price_12m": None if price is None else round(float(price), 2),
            "rough_revenue_estimate": None if rough is None else round(rough, 2),
        }
        return ToolResult(
            table=pa.Table.from_pylist([row]),
            text=text,
            data={
                "interpretation": (
                    f"Outlook for {span}: sum of the serving `{MODEL}` model's point "
                    "forecasts over scheduled concerts; revenue is not forecast"
                ),
                "chart": None,
                "suggestions": ["upcoming concerts by month", "revenue by month this year"],
            },
        )
