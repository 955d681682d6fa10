"""Spotify Web API (and its accounts service), as the simulator serves them.

- ``POST /api/token`` — OAuth 2 client credentials: ``grant_type=client_credentials`` with
  HTTP Basic ``client_id:client_secret`` (or the two as form fields) →
  ``{"access_token", "token_type": "Bearer", "expires_in"}``; a bad client → 400
  ``invalid_client``. Tokens live ``token_ttl_s``.
- ``GET /v1/search?q=…&type=artist&limit=<=50&offset=N`` → ``{"artists": {"href", "items",
  "limit", "next", "offset", "previous", "total"}}``; offsets stop at the search window
  (``offset >= 1000`` → 400). Query: ``*`` all; ``genre:x``, ``artist:x`` and bare words
  (name contains) are ANDed.
- ``GET /v1/artists?ids=a,b`` (<= 50; unknown ids → ``null``) and ``GET /v1/artists/{id}``.

A missing, unknown or expired Bearer token gets 401 with Spotify's error JSON (and
``WWW-Authenticate``); a client over ``spotify_rps`` gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import base64
import secrets
import shlex
import threading
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.base import PartnerProtocol, int_param
from greenroom.synth.partners.faults import Fault, FaultKind
from greenroom.synth.partners.limits import retry_after_header

TOKEN_PATH = "/api/token"


def _search_terms(query: str) -> list[tuple[str, str]] | None:
    try:
        tokens = shlex.split(query)
    except ValueError:
        return None
    terms = []
    for token in tokens:
        if token in ("*", "AND"):
            continue
        field, sep, value = token.partition(":")
        terms.append((field, value) if sep and field in ("genre", "artist") else ("artist", token))
    return terms


def _matches(artist: dict[str, Any], terms: list[tuple[str, str]]) -> bool:
    for field, value in terms:
        value = value.lower()
        if field == "genre":
            if value not in [str(g).lower() for g in artist.get("genres") or []]:
                return False
        elif value not in str(artist.get("name") or "").lower():
            return False
    return True


class SpotifyProtocol(PartnerProtocol):
    name = "spotify"
    prefixes = (TOKEN_PATH, "/v1/")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (client id, expires at)
        self.tokens_issued = 0

    def faults_to_skip(self, req: SimRequest) -> frozenset[FaultKind]:
        return frozenset({"expire_token"}) if req.path == TOKEN_PATH else frozenset()

    def _unauthorized(self, message: str) -> SimResponse:
        resp = self.error(401, message)
        resp.headers["WWW-Authenticate"] = (
            f'Bearer realm="spotify", error="invalid_token", error_description="{message}"'
        )
        return resp

    def authenticate(self, req: SimRequest, fault: Fault | None) -> str | SimResponse:
        if req.path == TOKEN_PATH:
            return self._client_of_token_request(req)
        auth = req.header("authorization") or ""
        if not auth.startswith("Bearer "):
            return self._unauthorized("No token provided")
        token = auth.removeprefix("Bearer ").strip()
        with self._lock:
            found = self._tokens.get(token)
            if found is None:
                return self._unauthorized("Invalid access token")
            client, expires = found
            if fault is not None and fault.kind == "expire_token":
                del self._tokens[token]
                return self._unauthorized("The access token expired")
            if time.monotonic() >= expires:
                del self._tokens[token]
                return self._unauthorized("The access token expired")
        return client

    def _client_of_token_request(self, req: SimRequest) -> str | SimResponse:
        form = dict(parse_qsl(req.body.decode("utf-8", "replace")))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = req.header("authorization") or ""
        if auth.startswith("Basic "):
            try:
                decoded = base64.b64decode(auth.removeprefix("Basic ").strip()).decode()
            except ValueError:
                decoded = ""
            client_id, _, secret = decoded.partition(":")
        if req.method != "POST":
            return self.error(405, "Method not allowed")
        if form.get("grant_type") != "client_credentials":
            return json_response(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant_type parameter is missing",
                },
            )
        if not client_id or self.config.clients.get(client_id) != secret:
            return json_response(
                400, {"error": "invalid_client", "error_description": "Invalid client"}
            )
        return client_id

    def throttled(
        self, req: SimRequest, wait: float, *, client: str, injected: bool
    ) -> SimResponse:
        resp = self.error(429, "API rate limit exceeded")
        resp.headers["Retry-After"] = retry_after_header(wait)
        return resp

    def error(self, status: int, message: str) -> SimResponse:
        return json_response(status, {"error": {"status": status, "message": message}})

    def handle(self, req: SimRequest, client: str) -> SimResponse:
        if req.path == TOKEN_PATH:
            token = secrets.token_urlsafe(24)
            ttl = self.config.token_ttl_s
            with self._lock:
                self._tokens[token] = (client, time.monotonic() + ttl)
                self.tokens_issued += 1
            return json_response(
                200,
                {
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": ttl,
                },
            )
        if req.method != "GET":
            return self.error(405, "Method not allowed")
        if req.path == "/v1/search":
            return self._search(req)
        if req.path == "/v1/artists":
            return self._several(req)
        if req.path.startswith("/v1/artists/"):
            wanted = req.path.removeprefix("/v1/artists/")
            for entry in self.world.store("spotify_artists").snapshot():
                if entry.record.get("id") == wanted:
                    return json_response(200, entry.record)
            return self.error(404, "non existing id")
        return self.error(404, "Service not found")

    def _search(self, req: SimRequest) -> SimResponse:
        query = req.query.get("q", "")
        terms = _search_terms(query) if query else None
        if terms is None:
            return self.error(400, "No search query")
        if "artist" not in req.query.get("type", "").split(","):
            return self.error(400, "Missing parameter type")
        limit, offset = int_param(req, "limit", 20), int_param(req, "offset", 0)
        if limit is None or not 0 <= limit <= 50:
            return self.error(400, "Invalid limit")
        if offset is None or not 0 <= offset < self.config.spotify_search_window:
            return self.error(400, "Invalid offset")
        found = [
            e.record
            for e in self.world.store("spotify_artists").snapshot()
            if _matches(e.record, terms)
        ]
        reachable = min(len(found), self.config.spotify_search_window)
        end = min(offset + limit, reachable)

        def link(at: int) -> str:
            params = {"query": query, "type": "artist", "offset": at, "limit": limit}
            return f"{req.base_url}/v1/search?{urlencode(params)}"

        return json_response(
            200,
            {
                "artists": {
                    "href": link(offset),
                    "items": found[offset:end],
                    "limit": limit,
                    "next": link(end) if end < reachable else None,
                    "offset": offset,
                    "previous": link(max(offset - limit, 0)) if offset > 0 else None,
                    "total": len(found),
                }
            },
        )

    def _several(self, req: SimRequest) -> SimResponse:
        ids = [i for i in req.query.get("ids", "").split(",") if i]
        if not ids:
            return self.error(400, "invalid id")
        if len(ids) > 50:
            return self.error(400, "Too many ids requested")
        by_id = {
            e.record.get("id"): e.record for e in self.world.store("spotify_artists").snapshot()
        }
        return json_response(200, {"artists": [by_id.get(i) for i in ids]})

    def break_shape(self, doc: Any) -> Any:
        if isinstance(doc.get("artists"), dict):
            return {"artists": {**doc["artists"], "items": None}}
        return {"artists": "unavailable"}
