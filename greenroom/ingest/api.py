"""Partner API ingestion: sync a connector, keep every page in the raw zone, load the
records into bronze through the feed's contract.

A sync's batch id comes from the content of its pages, so the same answer from a partner
is never loaded twice; the connector's cursor is saved only after its batch is committed
(`sync` does that), so a crash re-fetches rather than skips.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from greenroom.ingest import batches
from greenroom.ingest.batches import IngestionResult
from greenroom.ingest.feeds import get_feed
from greenroom.ingest.formats.json_document import records_to_arrow
from greenroom.ingest.loader import load_batches

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.ingest.sources import FetchResult, RawPage
    from greenroom.lake import Lakehouse


@dataclass
class _Lander:
    """Collects a feed's raw pages as they arrive; lands them with its records."""

    lake: Lakehouse
    settings: Settings
    partner: str
    pages: dict[str, list[RawPage]] = field(default_factory=dict)
    results: list[IngestionResult] = field(default_factory=list)

    def page(self, page: RawPage) -> None:
        self.pages.setdefault(page.feed, []).append(page)

    def land(self, fetched: FetchResult) -> None:
        started = time.perf_counter()
        pages = self.pages.pop(fetched.feed, [])
        digest = hashlib.sha256()
        for page in pages:
            digest.update(page.body)
        sha = digest.hexdigest()
        feed = get_feed(fetched.feed)
        batch_id = f"{feed.name}-api-{sha[:16]}"
        seen = batches.find(self.lake, batch_id)
        if seen is not None or fetched.records.num_rows == 0:
            self.results.append(seen or _nothing(feed.name, batch_id, self.partner))
            return
        at = dt.datetime.now(dt.UTC)
        raw_dir = self.settings.raw_dir / feed.name / at.date().isoformat() / batch_id
        raw_dir.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(pages):
            (raw_dir / f"page-{n:05d}.json").write_bytes(page.body)
        records = records_to_arrow(fetched.records.to_pylist())
        stats = load_batches(self.lake, feed, [records], batch_id=batch_id, at=at)
        result = IngestionResult(
            batch_id=batch_id,
            feed=feed.name,
            origin=f"{self.partner} API ({fetched.pages} pages"
            f"{', from cache' if fetched.from_cache else ''})",
            received=stats.received,
            accepted=stats.accepted,
            quarantined=stats.quarantined,
            snapshot_id=stats.bronze_snapshot,
            seconds=time.perf_counter() - started,
            raw_path=str(raw_dir),
            content_sha256=sha,
            bytes=sum(len(p.body) for p in pages),
            quarantine_snapshot_id=stats.quarantine_snapshot,
            ingested_at=at,
        )
        batches.record(self.lake, result)
        self.results.append(result)


def _nothing(feed: str, batch_id: str, partner: str) -> IngestionResult:
    return IngestionResult(batch_id, feed, f"{partner} API (nothing new)", 0, 0, 0, None, 0.0)


def ingest_api_data(
    lake: Lakehouse, settings: Settings, partner: str, *, full: bool = False
) -> list[IngestionResult]:
    """The seed's `ingest_api_data`: sync `partner` after its cursors and land what is new."""
    from greenroom.ingest.sources import CursorStore, connector_for, sync

    lander = _Lander(lake, settings, partner)
    with connector_for(
        partner, settings.partners, state_dir=settings.state_dir, page_sink=lander.page
    ) as connector:
        sync(connector, CursorStore(settings.state_dir), lander.land, full=full)
    return lander.results
