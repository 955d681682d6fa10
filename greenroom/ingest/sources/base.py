"""What every partner connector is and returns.

A connector pulls one partner's catalogue through its real protocol and returns, per
bronze feed, a :class:`FetchResult`: the records as an Arrow table whose rows have exactly
the keys of that feed's source-file records (so API and file ingestion land in the same
bronze table), the counts a run log wants, and the cursor to store once the records have
landed. :class:`Connector` carries the shared behaviour: settings → HTTP client, the
response cache fallback, de-duplication across pages, raw-page hand-off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import httpx
import pyarrow as pa

from greenroom.errors import UserError
from greenroom.ingest.exceptions import (
    MalformedResponseError,
    PartnerConfigError,
    PartnerDataError,
    PartnerUnavailableError,
)
from greenroom.ingest.sources._breaker import CircuitBreaker
from greenroom.ingest.sources._cache import ResponseCache, cache_key
from greenroom.ingest.sources._cursor import Cursor
from greenroom.ingest.sources._http import HttpClient, HttpStats, RetryPolicy, redact
from greenroom.ingest.sources._pacing import Pacer
from greenroom.ingest.sources.settings import PartnerName, PartnerSettings

FeedName = Literal[
    "musicbrainz_artists", "spotify_artists", "ticketmaster_venues", "ticketmaster_events"
]
Record = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class RawPage:
    """One page body as received (or as served from the cache), for the raw zone."""

    feed: FeedName
    url: str
    body: bytes
    from_cache: bool


@dataclass(frozen=True)
class FetchResult:
    feed: FeedName
    records: pa.Table
    pages: int
    requests: int
    retries: int
    from_cache: bool
    next_cursor: Cursor | None
    cached_pages: int = 0
    incremental: bool = False

    @property
    def count(self) -> int:
        return int(self.records.num_rows)

    def summary(self) -> dict[str, Any]:
        """The run-log / ``--json`` view: everything but the records themselves."""
        return {
            "feed": self.feed,
            "records": self.count,
            "pages": self.pages,
            "requests": self.requests,
            "retries": self.retries,
            "from_cache": self.from_cache,
            "cached_pages": self.cached_pages,
            "incremental": self.incremental,
            "cursor": None if self.next_cursor is None else self.next_cursor.kind,
        }


@dataclass
class _Run:
    """One feed's fetch in progress: records keyed by id, page counts."""

    feed: FeedName
    items: dict[str, Record] = field(default_factory=dict)
    pages: int = 0
    cached_pages: int = 0

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            # A later copy of a record replaces the earlier one in its first position.
            self.items[record_key(record)] = record


def record_key(record: Mapping[str, Any]) -> str:
    """The record's id, or a digest of its content when the id is missing or empty."""
    rid = record.get("id")
    if isinstance(rid, str) and rid:
        return rid
    return "sha256:" + record_digest(record)


def record_digest(record: Mapping[str, Any]) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_json(resp: httpx.Response | bytes, partner: str) -> Any:
    body = resp.content if isinstance(resp, httpx.Response) else resp
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedResponseError(
            f"`{partner}` sent a body that is not JSON ({exc}); the page will be retried",
            partner=partner,
        ) from None


def records_table(records: Iterable[Record], feed: str = "", partner: str = "") -> pa.Table:
    """Rows → Arrow with pyarrow's own inference, as a reader of the source file would."""
    try:
        return pa.Table.from_pylist(list(records))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise PartnerDataError(
            f"records of `{feed}` from `{partner}` do not fit one table ({exc}); the partner "
            "changed a field's type — report it, or land the raw pages and fix them upstream",
            partner=partner,
        ) from None


class Connector(ABC):
    partner: ClassVar[PartnerName]
    feeds: ClassVar[tuple[FeedName, ...]]

    def __init__(
        self,
        settings: PartnerSettings,
        *,
        state_dir: Path,
        simulator_url: str | None = None,
        page_sink: Callable[[RawPage], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.simulated = settings.base_url is None
        base_url = settings.base_url or simulator_url
        if base_url is None:
            raise PartnerConfigError(
                f"no address for `{self.partner}`: set `GREENROOM_PARTNERS__"
                f"{self.partner.upper()}__BASE_URL` for the real API, or "
                "`GREENROOM_PARTNERS__SIMULATOR_URL` for the partner simulator"
            )
        self.base_url = base_url.rstrip("/")
        self._check_credentials()
        self.breaker = CircuitBreaker(
            self.partner, threshold=settings.breaker_threshold, reset_after=settings.breaker_reset_s
        )
        self.http = HttpClient(
            self.partner,
            self.base_url,
            policy=RetryPolicy(
                max_attempts=settings.max_attempts,
                backoff_base=settings.backoff_base_s,
                backoff_max=settings.backoff_max_s,
                max_retry_after=settings.max_retry_after_s,
            ),
            breaker=self.breaker,
            pacer=Pacer(settings.requests_per_second, sleep=sleep),
            timeout=settings.timeout_s,
            user_agent=settings.user_agent,
            transport=transport,
            rng=rng,
        )
        self.cache = ResponseCache(state_dir, self.partner)
        self._page_sink = page_sink

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, since: Cursor | None = None, *, feed: FeedName | None = None) -> FetchResult:
        """Fetch one feed in full (``since=None``) or incrementally after ``since``."""
        if feed is None:
            if len(self.feeds) != 1:
                raise UserError(f"`{self.partner}` serves {self.feeds}: pass `feed=`")
            feed = self.feeds[0]
        if feed not in self.feeds:
            raise UserError(
                f"`{self.partner}` does not serve feed `{feed}`; use one of {self.feeds}"
            )
        if since is not None and since.feed != feed:
            raise UserError(f"cursor for `{since.feed}` passed to a fetch of `{feed}`")
        before = dataclasses.replace(self.http.stats)
        run = _Run(feed)
        next_cursor, records = self._fetch(feed, since, run)
        stats: HttpStats = self.http.stats
        from_cache = run.cached_pages > 0
        return FetchResult(
            feed=feed,
            records=records_table(records, feed, self.partner),
            pages=run.pages,
            requests=stats.requests - before.requests,
            retries=stats.retries - before.retries,
            from_cache=from_cache,
            # Cached data may be stale: never advance the cursor past it.
            next_cursor=since if from_cache else next_cursor,
            cached_pages=run.cached_pages,
            incremental=since is not None,
        )

    def fetch_all(self, since: Mapping[str, Cursor | None] | None = None) -> list[FetchResult]:
        cursors = since or {}
        return [self.fetch(cursors.get(feed), feed=feed) for feed in self.feeds]

    @abstractmethod
    def _fetch(
        self, feed: FeedName, since: Cursor | None, run: _Run
    ) -> tuple[Cursor | None, Iterable[Record]]:
        """Walk the partner's pages into ``run``; return the next cursor and the records."""

    def _check_credentials(self) -> None:
        """Raise :class:`PartnerConfigError` when the real API needs credentials we lack."""
        return None

    def _auth_params(self) -> dict[str, str]:
        """Query parameters that authenticate a request (never part of a cache key)."""
        return {}

    def _get_page(
        self,
        run: _Run,
        path: str,
        params: Mapping[str, str | int],
        validate: Callable[[Any], T],
    ) -> T:
        """GET one page; fall back to its cached body when the partner is unavailable."""
        key = cache_key("GET", path, params)

        def check(resp: httpx.Response) -> tuple[bytes, str, T]:
            return resp.content, redact(resp.request.url), validate(parse_json(resp, self.partner))

        try:
            body, url, value = self.http.send(
                "GET", path, params={**params, **self._auth_params()}, validate=check
            )
        except PartnerUnavailableError:
            cached = self.cache.get(key)
            if cached is None:
                raise
            try:
                value = validate(parse_json(cached.body, self.partner))
            except MalformedResponseError:
                raise PartnerUnavailableError(
                    f"`{self.partner}` is unavailable and the cached page for `{key}` is "
                    "corrupt; retry the sync when the partner is back",
                    partner=self.partner,
                ) from None
            run.cached_pages += 1
            run.pages += 1
            self._sink(RawPage(run.feed, key, cached.body, from_cache=True))
            return value
        self.cache.put(key, body)
        run.pages += 1
        self._sink(RawPage(run.feed, url, body, from_cache=False))
        return value

    def _sink(self, page: RawPage) -> None:
        if self._page_sink is not None:
            self._page_sink(page)


def malformed(partner: str, what: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"`{partner}` sent a page without {what}; the page will be retried", partner=partner
    )
