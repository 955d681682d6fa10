"""Spotify artists over the Web API (https://developer.spotify.com/documentation/web-api).

Auth: OAuth 2 client credentials — ``POST <auth_url>/api/token`` with HTTP Basic
``client_id:client_secret`` gives a Bearer token with an ``expires_in``; the connector
renews it shortly before it expires and, when the API answers 401 anyway (revoked or
expired early), once more and retries the call. Throttling: 429 with ``Retry-After``.

Listing: ``GET /v1/search?q=<settings.query>&type=artist&limit=<=50&offset=N`` following
``next``. Search only reaches the first ``search_window`` (1000) results; when ``total``
is larger the connector slices the query by ``genre:"…"`` (genres learnt from the
results), de-duplicates, and fails with :class:`PartnerLimitError` rather than return an
incomplete catalogue. ``lookup(ids)`` reads known artists via ``GET /v1/artists?ids=``.

Spotify has no change feed, so incremental sync is a ``digest`` cursor: every run lists
the catalogue and returns only artists that are new or whose record changed.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import httpx

from greenroom.errors import UserError
from greenroom.ingest.exceptions import (
    PartnerAuthError,
    PartnerConfigError,
    PartnerLimitError,
    PartnerRequestError,
)
from greenroom.ingest.sources._cursor import Cursor, DigestCursor
from greenroom.ingest.sources.base import (
    Connector,
    FeedName,
    FetchResult,
    Record,
    _Run,
    malformed,
    parse_json,
    record_digest,
    records_table,
)
from greenroom.ingest.sources.settings import (
    SIMULATOR_CLIENT_ID,
    SIMULATOR_CLIENT_SECRET,
    PartnerName,
)

ACCOUNTS_URL = "https://accounts.spotify.com"


class _Listing:
    def __init__(self, items: list[Record], total: int, next_url: str | None) -> None:
        self.items, self.total, self.next_url = items, total, next_url


class _ClientCredentials:
    """The connector's :class:`~greenroom.ingest.sources._http.Authenticator`."""

    def __init__(self, connector: SpotifyConnector, token_url: str, client_id: str, secret: str):
        self._connector = connector
        self._url = token_url
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self._basic = f"Basic {basic}"
        self._token: str | None = None
        self._renew_at = 0.0

    def headers(self) -> dict[str, str]:
        if self._token is None or time.monotonic() >= self._renew_at:
            self.refresh()
        return {"Authorization": f"Bearer {self._token}"}

    def refresh(self) -> None:
        http = self._connector.http
        try:
            token, ttl = http.send(
                "POST",
                self._url,
                data={"grant_type": "client_credentials"},
                headers={"Authorization": self._basic},
                authenticated=False,
                validate=self._validate,
            )
        except PartnerRequestError as exc:
            raise PartnerAuthError(
                f"`spotify` rejected the client credentials ({exc.status}); check "
                "`GREENROOM_PARTNERS__SPOTIFY__CLIENT_ID` and `…__CLIENT_SECRET`",
                partner="spotify",
                status=exc.status,
                url=exc.url,
            ) from None
        self._token = token
        # Renew a little early: 10% of the lifetime, at most a minute.
        self._renew_at = time.monotonic() + ttl - min(60.0, ttl * 0.1)

    def _validate(self, resp: httpx.Response) -> tuple[str, float]:
        doc = parse_json(resp, "spotify")
        token = doc.get("access_token") if isinstance(doc, dict) else None
        ttl = doc.get("expires_in") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not isinstance(ttl, int | float):
            raise malformed("spotify", "`access_token` and `expires_in`")
        return token, float(ttl)


class SpotifyConnector(Connector):
    partner: ClassVar[PartnerName] = "spotify"
    feeds: ClassVar[tuple[FeedName, ...]] = ("spotify_artists",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        s = self.settings
        if self.simulated:
            token_root = s.auth_url or self.base_url
            client_id = s.client_id or SIMULATOR_CLIENT_ID
            secret = (
                s.client_secret.get_secret_value() if s.client_secret else SIMULATOR_CLIENT_SECRET
            )
        else:
            token_root = s.auth_url or ACCOUNTS_URL
            assert s.client_id is not None and s.client_secret is not None
            client_id, secret = s.client_id, s.client_secret.get_secret_value()
        self.http.auth = _ClientCredentials(
            self, token_root.rstrip("/") + "/api/token", client_id, secret
        )

    def _check_credentials(self) -> None:
        if not self.simulated and (
            self.settings.client_id is None or self.settings.client_secret is None
        ):
            raise PartnerConfigError(
                "`spotify` needs OAuth client credentials for the real API: set "
                "`GREENROOM_PARTNERS__SPOTIFY__CLIENT_ID` and `…__CLIENT_SECRET`"
            )

    def _validate_search(self, doc: Any) -> _Listing:
        artists = doc.get("artists") if isinstance(doc, dict) else None
        if not isinstance(artists, dict):
            raise malformed(self.partner, "an `artists` paging object")
        items, total = artists.get("items"), artists.get("total")
        if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
            raise malformed(self.partner, "an `artists.items` array of objects")
        if not isinstance(total, int):
            raise malformed(self.partner, "an integer `artists.total`")
        next_url = artists.get("next")
        return _Listing(items, total, next_url if isinstance(next_url, str) else None)

    def _walk(self, run: _Run, query: str) -> int:
        """Page through one query's reachable results; return the partner's total."""
        limit, offset = self.settings.page_size, 0
        while True:
            listing = self._get_page(
                run,
                "/v1/search",
                {
                    "q": query,
                    "type": "artist",
                    "limit": limit,
                    "offset": offset,
                },
                self._validate_search,
            )
            run.add(listing.items)
            offset += len(listing.items)
            reachable = min(listing.total, self.settings.search_window)
            if not listing.items or listing.next_url is None or offset >= reachable:
                return listing.total

    def _fetch(
        self, feed: FeedName, since: Cursor | None, run: _Run
    ) -> tuple[Cursor | None, Iterable[Record]]:
        if since is not None and not isinstance(since, DigestCursor):
            raise UserError(f"`{feed}` takes a `digest` cursor, not `{since.kind}`")
        query = self.settings.query
        total = self._walk(run, query)
        if total > self.settings.search_window:
            self._slice_by_genre(run, query, total)
        digests = {key: record_digest(rec) for key, rec in run.items.items()}
        cursor = DigestCursor(feed=feed, digests=digests, query=query)
        if since is None or since.query != query:
            return cursor, list(run.items.values())
        known = since.digests
        return cursor, [rec for key, rec in run.items.items() if known.get(key) != digests[key]]

    def _slice_by_genre(self, run: _Run, query: str, total: int) -> None:
        done: set[str] = set()
        while pending := _genres(run.items.values()) - done:
            genre = sorted(pending)[0]
            done.add(genre)
            sliced = (
                f'genre:"{genre}"' if query.strip() in ("", "*") else f'{query} genre:"{genre}"'
            )
            if self._walk(run, sliced) > self.settings.search_window:
                raise PartnerLimitError(
                    f"`spotify` search `{sliced}` matches more than the "
                    f"{self.settings.search_window} results search can page through; narrow "
                    "`GREENROOM_PARTNERS__SPOTIFY__QUERY`",
                    partner=self.partner,
                )
        if len(run.items) < total:
            raise PartnerLimitError(
                f"`spotify` search `{query}` reports {total:,} artists but only {len(run.items):,} "
                "are reachable through paging and genre slices; narrow "
                "`GREENROOM_PARTNERS__SPOTIFY__QUERY` into queries under the search window",
                partner=self.partner,
            )

    def lookup(self, ids: Sequence[str]) -> FetchResult:
        """Read known artists by id (``GET /v1/artists?ids=``, 50 per call)."""
        run = _Run("spotify_artists")
        before = (self.http.stats.requests, self.http.stats.retries)

        def validate(doc: Any) -> list[Record]:
            artists = doc.get("artists") if isinstance(doc, dict) else None
            if not isinstance(artists, list):
                raise malformed(self.partner, "an `artists` array")
            return [a for a in artists if isinstance(a, dict)]

        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 50):
            batch = ",".join(unique[start : start + 50])
            run.add(self._get_page(run, "/v1/artists", {"ids": batch}, validate))
        return FetchResult(
            feed="spotify_artists",
            records=records_table(run.items.values(), "spotify_artists", self.partner),
            pages=run.pages,
            requests=self.http.stats.requests - before[0],
            retries=self.http.stats.retries - before[1],
            from_cache=run.cached_pages > 0,
            next_cursor=None,
            cached_pages=run.cached_pages,
        )


def _genres(records: Iterable[Record]) -> set[str]:
    found: set[str] = set()
    for rec in records:
        genres = rec.get("genres")
        if isinstance(genres, list):
            found.update(g for g in genres if isinstance(g, str) and g)
    return found
