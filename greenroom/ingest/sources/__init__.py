"""Partner API connectors: MusicBrainz, Ticketmaster Discovery, Spotify Web API.

See docs/partners.md. One connector per module; the shared machinery (HTTP with retries,
pacing and a circuit breaker, the response cache, cursors) lives in ``_``-modules.
Names are imported lazily, so ``greenroom.ingest.sources.settings`` (which the root
settings mount) stays as light as pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greenroom.ingest.sources._cursor import (
        AppendOffsetCursor,
        Cursor,
        CursorStore,
        DigestCursor,
        UpdatedSinceCursor,
    )
    from greenroom.ingest.sources.base import Connector, FeedName, FetchResult, RawPage
    from greenroom.ingest.sources.musicbrainz import MusicBrainzConnector
    from greenroom.ingest.sources.registry import CONNECTORS, connector_for, sync
    from greenroom.ingest.sources.settings import (
        PARTNERS,
        PartnerName,
        PartnerSettings,
        PartnersSettings,
    )
    from greenroom.ingest.sources.spotify import SpotifyConnector
    from greenroom.ingest.sources.ticketmaster import TicketmasterConnector

_HOME = {
    "greenroom.ingest.sources._cursor": (
        "AppendOffsetCursor",
        "Cursor",
        "CursorStore",
        "DigestCursor",
        "UpdatedSinceCursor",
    ),
    "greenroom.ingest.sources.base": ("Connector", "FeedName", "FetchResult", "RawPage"),
    "greenroom.ingest.sources.musicbrainz": ("MusicBrainzConnector",),
    "greenroom.ingest.sources.registry": ("CONNECTORS", "connector_for", "sync"),
    "greenroom.ingest.sources.settings": (
        "PARTNERS",
        "PartnerName",
        "PartnerSettings",
        "PartnersSettings",
    ),
    "greenroom.ingest.sources.spotify": ("SpotifyConnector",),
    "greenroom.ingest.sources.ticketmaster": ("TicketmasterConnector",),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "CONNECTORS",
    "PARTNERS",
    "AppendOffsetCursor",
    "Connector",
    "Cursor",
    "CursorStore",
    "DigestCursor",
    "FeedName",
    "FetchResult",
    "MusicBrainzConnector",
    "PartnerName",
    "PartnerSettings",
    "PartnersSettings",
    "RawPage",
    "SpotifyConnector",
    "TicketmasterConnector",
    "UpdatedSinceCursor",
    "connector_for",
    "sync",
]
assert sorted(__all__) == sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
