"""Ticketmaster venues and events over the Discovery API v2
(https://developer.ticketmaster.com/products-and-docs/apis/discovery-api/v2/).

Auth: the consumer key as the ``apikey`` query parameter (kept out of logs and the
cache). Throttling: 5 requests/s and a daily quota, reported in ``Rate-Limit-*``
headers; a 429 with a spent quota is retried at ``Rate-Limit-Reset``.

Paging: ``page``/``size`` (<= 200) and ``page.totalPages``, but only results with
``page * size < 1000`` are reachable (deep-paging limit). Events are therefore read by
date window with ``sort=date,asc``: a window whose ``totalElements`` exceeds what paging
reaches is split in half until each fits, plus one pass with ``includeTBD=only`` for
events without a date. Venues fit in one window at every world scale; if they ever do
not, :class:`PartnerLimitError` says so instead of returning part of them.

Incremental sync: an ``updated_since`` cursor per feed, sent as ``updatedSince`` (a
filter the simulator implements; the public Discovery API ignores it, so against it an
incremental run reads everything again — complete, just not cheaper).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from greenroom.errors import UserError
from greenroom.ingest.exceptions import PartnerConfigError, PartnerLimitError
from greenroom.ingest.sources._cursor import Cursor, UpdatedSinceCursor
from greenroom.ingest.sources.base import Connector, FeedName, Record, _Run, malformed
from greenroom.ingest.sources.settings import SIMULATOR_API_KEY, PartnerName

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
WINDOW = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
PATHS: dict[str, tuple[str, str]] = {
    "ticketmaster_venues": ("/discovery/v2/venues.json", "venues"),
    "ticketmaster_events": ("/discovery/v2/events.json", "events"),
}


class _Page:
    def __init__(self, items: list[Record], total: int, total_pages: int, number: int) -> None:
        self.items, self.total, self.total_pages, self.number = items, total, total_pages, number


def iso_z(when: dt.datetime, *, millis: bool = False) -> str:
    text = when.astimezone(dt.UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


class TicketmasterConnector(Connector):
    partner: ClassVar[PartnerName] = "ticketmaster"
    feeds: ClassVar[tuple[FeedName, ...]] = ("ticketmaster_venues", "ticketmaster_events")

    def _check_credentials(self) -> None:
        if not self.simulated and self.settings.api_key is None:
            raise PartnerConfigError(
                "`ticketmaster` needs a consumer key for the real Discovery API: set "
                "`GREENROOM_PARTNERS__TICKETMASTER__API_KEY`"
            )

    def _auth_params(self) -> dict[str, str]:
        key = self.settings.api_key
        return {"apikey": key.get_secret_value() if key else SIMULATOR_API_KEY}

    @property
    def reachable(self) -> int:
        """How many results paging can reach: pages ``p`` with ``p * size < window``."""
        size = self.settings.page_size
        return -(-self.settings.search_window // size) * size

    def _validator(self, kind: str) -> Callable[[Any], _Page]:
        def validate(doc: Any) -> _Page:
            page = doc.get("page") if isinstance(doc, dict) else None
            if not isinstance(page, dict) or not all(
                isinstance(page.get(k), int)
                for k in ("size", "totalElements", "totalPages", "number")
            ):
                raise malformed(self.partner, "a `page` object")
            embedded = doc.get("_embedded")
            if embedded is None:
                if page["totalElements"] > page["number"] * page["size"]:
                    raise malformed(self.partner, f"`_embedded.{kind}` while results remain")
                return _Page([], page["totalElements"], page["totalPages"], page["number"])
            items = embedded.get(kind) if isinstance(embedded, dict) else None
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise malformed(self.partner, f"an `_embedded.{kind}` array of objects")
            return _Page(items, page["totalElements"], page["totalPages"], page["number"])

        return validate

    def _fetch(
        self, feed: FeedName, since: Cursor | None, run: _Run
    ) -> tuple[Cursor | None, Iterable[Record]]:
        if since is not None and not isinstance(since, UpdatedSinceCursor):
            raise UserError(f"`{feed}` takes an `updated_since` cursor, not `{since.kind}`")
        started = dt.datetime.now(dt.UTC)
        base: dict[str, str | int] = {}
        if since is not None:
            base["updatedSince"] = iso_z(since.updated_since, millis=True)
        if feed == "ticketmaster_venues":
            total = self._walk(run, feed, base)
            if total > self.reachable:
                raise PartnerLimitError(
                    f"`ticketmaster` lists {total} venues, more than the {self.reachable} "
                    "deep paging reaches; slice venues by `countryCode` before relying on this",
                    partner=self.partner,
                )
        else:
            self._walk_windows(run, feed, base)
            undated = self._walk(run, feed, {**base, "includeTBD": "only"})
            if undated > self.reachable:
                raise PartnerLimitError(
                    f"`ticketmaster` lists {undated} events without a date, more than the "
                    f"{self.reachable} deep paging reaches",
                    partner=self.partner,
                )
        overlap = dt.timedelta(seconds=self.settings.incremental_overlap_s)
        cursor = UpdatedSinceCursor(feed=feed, updated_since=started - overlap)
        return cursor, list(run.items.values())

    def _walk(self, run: _Run, feed: FeedName, params: dict[str, str | int]) -> int:
        """Read every reachable page for ``params``; return ``totalElements``."""
        path, kind = PATHS[feed]
        size, number = self.settings.page_size, 0
        validate = self._validator(kind)
        while True:
            page = self._get_page(run, path, {**params, "size": size, "page": number}, validate)
            if number == 0 and page.total > self.reachable:
                return page.total  # the caller splits; do not read a truncated listing
            run.add(page.items)
            number += 1
            if number >= page.total_pages or not page.items or number * size >= self.reachable:
                return page.total

    def _walk_windows(self, run: _Run, feed: FeedName, base: dict[str, str | int]) -> None:
        """Read dated events window by window, halving any window paging cannot exhaust."""
        windows = [WINDOW]
        while windows:
            lo, hi = windows.pop()
            params = {
                **base,
                "startDateTime": iso_z(lo),
                "endDateTime": iso_z(hi),
                "sort": "date,asc",
            }
            total = self._walk(run, feed, params)
            if total <= self.reachable:
                continue
            half = (hi - lo) / 2
            if half < dt.timedelta(seconds=1):
                raise PartnerLimitError(
                    f"`ticketmaster` has {total} events starting at {iso_z(lo)}, more than "
                    f"deep paging reaches ({self.reachable})",
                    partner=self.partner,
                )
            mid = lo + dt.timedelta(seconds=int(half.total_seconds()))
            windows.extend([(mid, hi), (lo, mid)])  # earlier window first
