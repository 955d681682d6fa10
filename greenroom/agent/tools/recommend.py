"""`recommend_concerts`: upcoming concerts for a customer or for stated tastes, with why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from greenroom.agent.tools.base import ToolResult

if TYPE_CHECKING:
    from greenroom.agent.tools.models import ArtefactSource
    from greenroom.lake.reader import Reader

MODEL = "recommender"


class RecommendConcertsTool:
    name = "recommend_concerts"
    description = (
        "Recommend upcoming concerts for a customer id, or for genres, cities and liked "
        "artists, each with its reason, from the serving recommender."
    )

    def __init__(self, reader: Reader, artefacts: ArtefactSource) -> None:
        self.reader = reader
        self.artefacts = artefacts

    def input_schema(self) -> dict[str, Any]:
        names = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "properties": {
                "customer_id": {"type": ["string", "null"]},
                "genres": names,
                "cities": names,
                "liked_artists": names,
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
            },
        }

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        from greenroom.insights.recommend import (
            TrainedRecommender,
            UserPreferences,
            generate_recommendations,
        )

        prefs = UserPreferences(
            customer_id=arguments.get("customer_id"),
            genres=tuple(arguments.get("genres") or ()),
            cities=tuple(arguments.get("cities") or ()),
            liked_artists=tuple(arguments.get("liked_artists") or ()),
            limit=int(arguments.get("limit") or 5),
        )
        model = TrainedRecommender.from_bytes(self.artefacts(MODEL))
        picks = generate_recommendations(self.reader, model, prefs)
        who = _who(prefs)
        rows = [
            {
                "rank": i + 1,
                "artist": r.artist,
                "venue": r.venue,
                "city": r.city,
                "date": r.date,
                "score": round(r.score, 4),
                "reason": r.reason,
                "concert_id": r.concert_id,
            }
            for i, r in enumerate(picks)
        ]
        if picks:
            listed = "; ".join(
                f"{r.artist} at {r.venue}, {r.city} on {r.date:%-d %b %Y} ({r.reason})"
                for r in picks
            )
            text = f"Top {len(picks)} upcoming concerts {who}: {listed}."
        else:
            text = f"I found no upcoming, on-sale concert to recommend {who}."
        return ToolResult(
            table=pa.Table.from_pylist(rows) if rows else None,
            text=text,
            data={
                "interpretation": (
                    f"Upcoming scheduled concerts {who} not already bought, ranked by the "
                    f"serving `{MODEL}` model (as of {model.today})"
                ),
                "chart": None,
                "suggestions": ["which genres are growing?", "upcoming concerts by city"],
            },
        )


def _who(prefs: Any) -> str:
    parts = []
    if prefs.customer_id:
        parts.append(f"for customer {prefs.customer_id}")
    if prefs.genres:
        parts.append("for " + " or ".join(prefs.genres) + " fans")
    if prefs.cities:
        parts.append("in " + " or ".join(prefs.cities))
    if prefs.liked_artists:
        parts.append("for fans of " + " and ".join(prefs.liked_artists))
    return " ".join(parts) or "for you"
