"""MusicBrainz artists over WS/2 search (https://musicbrainz.org/doc/MusicBrainz_API/Search).

No credentials; a descriptive User-Agent is mandatory and the service allows about one
request per second per client, answering 503 beyond that — the client paces itself at
``requests_per_second`` (default 1) and retries 503s after ``Retry-After``.

Paging: ``GET /ws/2/artist?query=<settings.query>&fmt=json&limit=<=100&offset=N`` until
``offset >= count``. Incremental sync uses an ``append_offset`` cursor: the listing is
append-only, so the next run re-reads the last known artist (at ``offset - 1``), checks
its id is still ``last_id`` and continues from there; if the order changed, it starts
over from offset 0. Edits to artists already read are picked up by a full sync
(``since=None``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from greenroom.errors import UserError
from greenroom.ingest.sources._cursor import AppendOffsetCursor, Cursor
from greenroom.ingest.sources.base import Connector, FeedName, Record, _Run, malformed, record_key
from greenroom.ingest.sources.settings import PartnerName

PATH = "/ws/2/artist"


class _Page:
    def __init__(self, count: int, offset: int, artists: list[Record]) -> None:
        self.count, self.offset, self.artists = count, offset, artists


class MusicBrainzConnector(Connector):
    partner: ClassVar[PartnerName] = "musicbrainz"
    feeds: ClassVar[tuple[FeedName, ...]] = ("musicbrainz_artists",)

    def _validate(self, doc: Any) -> _Page:
        if not isinstance(doc, dict):
            raise malformed(self.partner, "a JSON object")
        count, offset, artists = doc.get("count"), doc.get("offset"), doc.get("artists")
        if not isinstance(count, int) or not isinstance(offset, int):
            raise malformed(self.partner, "integer `count` and `offset`")
        if not isinstance(artists, list) or not all(isinstance(a, dict) for a in artists):
            raise malformed(self.partner, "an `artists` array of objects")
        return _Page(count, offset, artists)

    def _fetch(
        self, feed: FeedName, since: Cursor | None, run: _Run
    ) -> tuple[Cursor | None, Iterable[Record]]:
        if since is not None and not isinstance(since, AppendOffsetCursor):
            raise UserError(f"`{feed}` takes an `append_offset` cursor, not `{since.kind}`")
        query = self.settings.query
        resume = isinstance(since, AppendOffsetCursor) and since.query == query and since.offset > 0
        offset = since.offset - 1 if resume and since is not None else 0
        expect = since.last_id if resume and since is not None else None
        last_id = expect
        while True:
            page = self._get_page(
                run,
                PATH,
                {
                    "query": query,
                    "fmt": "json",
                    "limit": self.settings.page_size,
                    "offset": offset,
                },
                self._validate,
            )
            artists = page.artists
            if expect is not None:
                if not artists or record_key(artists[0]) != expect:
                    # The listing is not the one the cursor was taken on: start over.
                    run.items.clear()
                    offset, expect, last_id = 0, None, None
                    continue
                artists = artists[1:]
                expect = None
            run.add(artists)
            if page.artists:
                last_id = record_key(page.artists[-1])
            offset = page.offset + len(page.artists)
            if not page.artists or offset >= page.count:
                break
        cursor = AppendOffsetCursor(feed=feed, offset=offset, last_id=last_id, query=query)
        return cursor, list(run.items.values())
