"""`ticket_forecast`: the serving forecaster's tickets for an artist × venue × day."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from greenroom.agent.tools.base import ToolResult

if TYPE_CHECKING:
    from greenroom.agent.tools.models import ArtefactSource
    from greenroom.lake.reader import Reader

MODEL = "ticket_sales_forecast"
LOW_CONFIDENCE = 0.70


class TicketForecastTool:
    name = "ticket_forecast"
    description = (
        "Forecast the tickets an artist would sell at a venue on a day (80% and 95% "
        "intervals, a confidence score), from the serving ticket-sales model."
    )

    def __init__(self, reader: Reader, artefacts: ArtefactSource) -> None:
        self.reader = reader
        self.artefacts = artefacts

    def input_schema(self) -> dict[str, Any]:
        text = {"type": "string"}
        return {
            "type": "object",
            "properties": {"artist": text, "venue": text, "date": text | {"format": "date"}},
            "required": ["artist", "venue", "date"],
        }

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        from greenroom.insights.forecast import TrainedForecaster, predict_ticket_sales

        model = TrainedForecaster.from_artefact(self.artefacts(MODEL))
        found = predict_ticket_sales(
            self.reader, model, arguments["artist"], arguments["venue"], arguments["date"]
        )
        names = self.reader.sql(
            "SELECT (SELECT name FROM silver.artists WHERE artist_id = ?) AS artist,"
            " (SELECT name FROM silver.venues WHERE venue_id = ?) AS venue",
            [found.artist_id, found.venue_id],
        ).to_pylist()[0]
        day = f"{found.show_date:%-d %B %Y}"
        text = (
            f"{names['artist']} at {names['venue']} on {day}: about "
            f"{found.predicted_value:,.0f} tickets (80% interval {found.lower_80:,.0f}–"
            f"{found.upper_80:,.0f}; 95% {found.lower_95:,.0f}–{found.upper_95:,.0f})."
        )
        if found.low_confidence:
            text += (
                f" Low confidence ({found.confidence_score:.0%}, under "
                f"{LOW_CONFIDENCE:.0%}): treat it as a rough guide."
            )
        else:
            text += f" Confidence {found.confidence_score:.0%}."
        if found.actual_value is not None:
            text += f" That show has happened: it sold {found.actual_value:,.0f}."
        row = {
            "artist": names["artist"],
            "venue": names["venue"],
            "date": found.show_date,
            "predicted_tickets": found.predicted_value,
            "lower_80": found.lower_80,
            "upper_80": found.upper_80,
            "lower_95": found.lower_95,
            "upper_95": found.upper_95,
            "confidence_score": found.confidence_score,
            "low_confidence": found.low_confidence,
            "concert_id": found.concert_id,
            "model_version": found.model_version,
        }
        return ToolResult(
            table=pa.Table.from_pylist([row]),
            text=text,
            data={
                "prediction": asdict(found),
                "interpretation": (
                    f"Forecast of tickets sold by {names['artist']} at {names['venue']} on "
                    f"{day}, by the serving `{MODEL}` model {found.model_version}, "
                    f"as of {found.prediction_date}"
                ),
                "chart": "indicator",
                "chart_columns": ["predicted_tickets"],
                "suggestions": [
                    f"how many tickets has {names['artist']} sold?",
                    f"tickets sold at {names['venue']} by month",
                ],
            },
        )
