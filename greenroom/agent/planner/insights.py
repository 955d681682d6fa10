"""Questions for the insights models, recognised before the semantic planner reads them.

Four intents, each answered by one tool of `greenroom.agent.tools` (names match):

- `ticket_forecast` — "how many tickets will <artist> sell at <venue> on 12 September?"
- `recommend_concerts` — "recommend concerts for customer cus_…", "recommend metal concerts
  in Berlin" (a concert word or a customer id is required: "recommend a pizza place" is not
  one)
- `trends` — "which genres are growing?", "trends in revenue this year" ("how many artists
  have a growing trend" stays with the semantic layer's gold.artist_performance)
- `revenue_outlook` — "what will next month's revenue be?"

Names come from the lexicon (so a principal is offered only names it may see), with the
words as typed as a fallback, so the tool can name the closest ones for a typo.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from greenroom.agent.planner.lexicon import Lexicon
from greenroom.agent.planner.text import Tokens, fold
from greenroom.agent.planner.timeparse import parse_day

InsightTool = Literal["ticket_forecast", "recommend_concerts", "trends", "revenue_outlook"]


@dataclass(frozen=True)
class InsightCall:
    tool: InsightTool
    arguments: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    """What the question lacks (a clarification names it); None when complete."""


_FUTURE = r"(?:will|would|could|might|going to|gonna|expected to|expect|forecast|predict|projected)"
_FORECAST = re.compile(rf"\b{_FUTURE}\b.*\bsell\b|\b(?:forecast|predict)\w*\b.*\btickets?\b")
_ARTIST = re.compile(
    r"\b(?:will|would|could|might|does|do|can)\s+(?P<artist>.+?)\s+(?:sell|be selling|draw)\b",
    re.I,
)
_FOR_ARTIST = re.compile(r"\bfor\s+(?P<artist>.+?)\s+at\b", re.I)
_VENUE = re.compile(
    r"\bat\s+(?:the\s+)?(?P<venue>.+?)(?=\s+(?:on|in|for|next|this|by|around)\b|\s*[?!,]|\s*$)",
    re.I,
)
_RECOMMEND = re.compile(
    r"\b(?:recommend\w*|suggest\w*|what should \w+ (?:see|go to|attend))\b", re.I
)
_CONCERTY = re.compile(r"\b(?:concerts?|shows?|gigs?|events?|tickets?)\b|\bcus_[0-9a-z]+\b")
_CUSTOMER = re.compile(r"\bcus_[0-9a-z]+\b")
_GROWING = re.compile(
    r"\b(?:which|what)\s+(?P<dim>genres?|cities|city|countries|country|venues?)\s+"
    r"(?:are|is|have been|has been)\s+(?:growing|declining|shrinking|trending|rising|falling)"
)
_TRENDS = re.compile(r"\btrends?\s+(?:in|of|for)\b|^\s*(?:show me\s+)?(?:the\s+)?trends?\b")
_OUTLOOK = re.compile(
    rf"\b{_FUTURE}\b.*\b(?:revenue|earnings|sales|gross)\b"
    rf"|\b(?:revenue|earnings|sales|gross)\b.*\b(?:be|look like|forecast|projection)\b"
)
_NEXT = re.compile(r"\bnext\s+(month|quarter)|\bthis\s+(month|quarter)\b|\brest of the year\b")
_DIM = {"genre": "genre", "genres": "genre", "city": "city", "cities": "city"}
_DIM |= {"country": "country", "countries": "country", "venue": "venue", "venues": "venue"}


def detect(message: str, lexicon: Lexicon, today: dt.date) -> InsightCall | None:
    """The insights intent of `message`, or None (the semantic planner reads it)."""
    text = fold(message)
    if _RECOMMEND.search(text) and _CONCERTY.search(text):
        return _recommend(message, text, lexicon)
    if _FORECAST.search(text) and re.search(r"\bat\b", text):
        return _forecast(message, lexicon, today)
    growing = _GROWING.search(text)
    if growing:
        return InsightCall("trends", {"dimension": _DIM[growing["dim"]], **_trend_args(text)})
    if _TRENDS.search(text) and "growing trend" not in text and "declining trend" not in text:
        return InsightCall("trends", _trend_args(text))
    if _OUTLOOK.search(text) and (_NEXT.search(text) or "next" in text.split()):
        return InsightCall("revenue_outlook", {"period": _outlook_period(text)})
    return None


def _named(span: str | None, lexicon: Lexicon, dimension: str) -> str | None:
    """The lexicon's name for `span` (a typo corrected), or the span as typed."""
    if not span:
        return None
    span = span.strip(" '\"?.!")
    tokens = Tokens.of(span)
    for mention in lexicon.match(tokens):
        values = [e.value for e in mention.entries if e.dimension == dimension]
        if values and mention.end - mention.start >= max(len(tokens) - 1, 1):
            return values[0]
    return span or None


def _forecast(message: str, lexicon: Lexicon, today: dt.date) -> InsightCall:
    artist_m = _ARTIST.search(message) or _FOR_ARTIST.search(message)
    after = message[artist_m.end() :] if artist_m else message
    venue_m = _VENUE.search(after)
    artist = _named(artist_m["artist"] if artist_m else None, lexicon, "artist")
    venue = _named(venue_m["venue"] if venue_m else None, lexicon, "venue")
    day = parse_day(message, today)
    args: dict[str, Any] = {"artist": artist, "venue": venue, "date": day and day.isoformat()}
    lacking = [k for k in ("artist", "venue", "date") if not args[k]]
    missing = " and ".join(lacking) if lacking else None
    return InsightCall("ticket_forecast", args, missing=missing)


def _recommend(message: str, text: str, lexicon: Lexicon) -> InsightCall:
    customer = _CUSTOMER.search(text)
    mentions = lexicon.match(Tokens.of(message))
    genres, cities, artists = [], [], []
    for mention in mentions:
        dims = {e.dimension: e.value for e in mention.entries}
        if "genre" in dims:
            genres.append(dims["genre"])
        elif "city" in dims:
            cities.append(dims["city"])
        elif "artist" in dims:
            artists.append(dims["artist"])
    limit = re.search(r"\b(?:top|best)?\s*(\d{1,2})\s+(?:concerts|shows|gigs|events)\b", text)
    args: dict[str, Any] = {
        "customer_id": customer[0] if customer else None,
        "genres": genres,
        "cities": cities,
        "liked_artists": artists,
        "limit": int(limit[1]) if limit else 5,
    }
    empty = not (customer or genres or cities or artists)
    return InsightCall(
        "recommend_concerts", args, missing="a customer id, a genre or a city" if empty else None
    )


def _trend_args(text: str) -> dict[str, Any]:
    metric = "revenue"
    if re.search(r"\btickets?\b|\bsold\b", text):
        metric = "tickets"
    elif re.search(r"\b(?:concerts|shows|gigs|bookings)\b", text) and "revenue" not in text:
        metric = "concerts"
    year = re.search(r"\b((?:19|20)\d\d)\b", text)
    if re.search(r"\bthis year\b|\byear to date\b|\bytd\b|\bso far\b", text):
        period = "year_to_date"
    elif re.search(r"\blast year\b", text):
        period = "last_year"
    elif re.search(r"\blast (?:6|six) months\b", text):
        period = "last_6_months"
    elif re.search(r"\blast (?:90|ninety) days\b|\blast quarter\b", text):
        period = "last_90_days"
    elif re.search(r"\blast (?:30|thirty) days\b|\blast month\b", text):
        period = "last_30_days"
    elif year:
        period = year[1]
    else:
        period = "last_12_months"
    return {"metric": metric, "period": period}


def _outlook_period(text: str) -> str:
    found = _NEXT.search(text)
    if found and found[1] == "quarter":
        return "next_quarter"
    if found and found[2]:
        return f"this_{found[2]}"
    if found and "rest of the year" in found[0]:
        return "rest_of_year"
    return "next_month"
