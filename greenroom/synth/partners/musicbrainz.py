"""MusicBrainz WS/2 search, as the simulator serves it.

``GET /ws/2/artist?query=<lucene>&fmt=json&limit=<1..100>&offset=<n>`` answers
``{"created", "count", "offset", "artists": [...]}`` with the artists exactly as the
world's ``musicbrainz_artists/artists.json`` holds them, in file order (new artists are
appended). No authentication, but a User-Agent is required (403 without one) and each
client (address + User-Agent) gets about one request per second: faster clients get the
503 MusicBrainz sends. Query: ``*`` matches all; ``tag:x``, ``country:XX`` and
``artist:x`` / bare words (name contains) are ANDed.
"""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.base import PartnerProtocol, int_param
from greenroom.synth.partners.faults import Fault
from greenroom.synth.partners.limits import retry_after_header

RATE_LIMIT_MESSAGE = (
    "Your requests are exceeding the allowable rate limit. Please see "
    "https://wiki.musicbrainz.org/MusicBrainz_API/Rate_Limiting for more information."
)


def _matches(artist: dict[str, Any], terms: list[tuple[str, str]]) -> bool:
    for field, value in terms:
        value = value.lower()
        if field == "tag":
            tags = artist.get("tags") or []
            if not any(str(t.get("name", "")).lower() == value for t in tags):
                return False
        elif field == "country":
            if str(artist.get("country") or "").lower() != value:
                return False
        elif value not in str(artist.get("name") or "").lower():
            return False
    return True


def parse_query(query: str) -> list[tuple[str, str]] | None:
    """Lucene-ish terms as (field, value); ``[]`` matches all; ``None`` if unparseable."""
    try:
        tokens = shlex.split(query)
    except ValueError:
        return None
    terms: list[tuple[str, str]] = []
    for token in tokens:
        if token in ("*", "*:*", "AND"):
            continue
        field, sep, value = token.partition(":")
        if sep and field in ("tag", "country", "artist"):
            terms.append((field, value))
        else:
            terms.append(("artist", token))
    return terms


class MusicBrainzProtocol(PartnerProtocol):
    name = "musicbrainz"
    prefixes = ("/ws/2/",)

    def authenticate(self, req: SimRequest, fault: Fault | None) -> str | SimResponse:
        agent = (req.header("user-agent") or "").strip()
        if not agent:
            return self.error(
                403,
                "Requests without a meaningful User-Agent are blocked; see "
                "https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting",
            )
        return f"{req.client}|{agent}"

    def throttled(
        self, req: SimRequest, wait: float, *, client: str, injected: bool
    ) -> SimResponse:
        return json_response(
            503, {"error": RATE_LIMIT_MESSAGE}, {"Retry-After": retry_after_header(wait)}
        )

    def error(self, status: int, message: str) -> SimResponse:
        return json_response(
            status,
            {
                "error": message,
                "help": "For usage, please see: https://musicbrainz.org/development/mmd",
            },
        )

    def handle(self, req: SimRequest, client: str) -> SimResponse:
        if req.method != "GET" or req.path.rstrip("/") != "/ws/2/artist":
            return self.error(404, "Not Found")
        if req.query.get("fmt", "json") != "json":
            return self.error(400, "the greenroom simulator serves fmt=json only")
        query = req.query.get("query")
        terms = parse_query(query) if query else None
        if terms is None:
            return self.error(400, "Invalid or missing query parameter `query`")
        limit = int_param(req, "limit", 25)
        offset = int_param(req, "offset", 0)
        if limit is None or offset is None or offset < 0:
            return self.error(400, "Invalid limit or offset")
        limit = min(max(limit, 1), 100)
        artists = [
            e.record
            for e in self.world.store("musicbrainz_artists").snapshot()
            if _matches(e.record, terms)
        ]
        created = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return json_response(
            200,
            {
                "created": created,
                "count": len(artists),
                "offset": offset,
                "artists": artists[offset : offset + limit],
            },
        )

    def break_shape(self, doc: Any) -> Any:
        return {**doc, "artists": {"error": "search index is rebuilding"}}
