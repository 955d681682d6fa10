"""Pick a connector by partner name and run a sync that commits cursors safely.

:func:`sync` is what ``greenroom ingest api <partner>`` runs: per feed it loads the stored
cursor, fetches, hands the result to ``land`` (which writes the raw zone and bronze), and
only then stores the next cursor — a crash before landing repeats the fetch instead of
skipping data. Results served from the cache never move the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from greenroom.errors import UserError
from greenroom.ingest.sources._cursor import CursorStore
from greenroom.ingest.sources.base import Connector, FetchResult
from greenroom.ingest.sources.musicbrainz import MusicBrainzConnector
from greenroom.ingest.sources.settings import PARTNERS, PartnersSettings
from greenroom.ingest.sources.spotify import SpotifyConnector
from greenroom.ingest.sources.ticketmaster import TicketmasterConnector

CONNECTORS: dict[str, type[Connector]] = {
    "musicbrainz": MusicBrainzConnector,
    "ticketmaster": TicketmasterConnector,
    "spotify": SpotifyConnector,
}


def connector_for(
    partner: str, settings: PartnersSettings, *, state_dir: Path, **options: Any
) -> Connector:
    """The connector for ``partner`` configured from ``settings.partners``.

    ``options`` go to the connector (``page_sink``, ``transport``, ``sleep``, ``rng``).
    """
    cls = CONNECTORS.get(partner)
    if cls is None:
        raise UserError(f"unknown partner `{partner}`; use one of {', '.join(PARTNERS)}")
    return cls(
        settings.for_partner(cls.partner),
        state_dir=state_dir,
        simulator_url=settings.simulator_url,
        **options,
    )


def sync(
    connector: Connector,
    store: CursorStore,
    land: Callable[[FetchResult], None],
    *,
    full: bool = False,
) -> list[FetchResult]:
    """Fetch every feed of ``connector`` after its stored cursor, land it, then save the cursor."""
    results = []
    for feed in connector.feeds:
        since = None if full else store.load(feed)
        result = connector.fetch(since, feed=feed)
        land(result)
        if result.next_cursor is not None and not result.from_cache:
            store.save(result.next_cursor)
        results.append(result)
    return results
