"""The source feeds, one writer per file, each named like the feed it writes.

Every writer takes the true world and a :class:`FeedContext`, writes its files under
``OUT/sources/<feed>/`` and returns a :class:`FeedResult` (files, record count, truth
rows). :data:`FEEDS` is the order they run in.
"""

from __future__ import annotations

from collections.abc import Callable

from greenroom.synth.feeds.base import FeedContext, FeedResult
from greenroom.synth.feeds.box_office_sales import box_office_sales
from greenroom.synth.feeds.crm_customers import crm_customers
from greenroom.synth.feeds.musicbrainz_artists import musicbrainz_artists
from greenroom.synth.feeds.online_orders import online_orders
from greenroom.synth.feeds.promoter_concerts import promoter_concerts
from greenroom.synth.feeds.spotify_artists import spotify_artists
from greenroom.synth.feeds.stream_sales import stream_sales
from greenroom.synth.feeds.ticketmaster_events import ticketmaster_events
from greenroom.synth.feeds.ticketmaster_venues import ticketmaster_venues
from greenroom.synth.feeds.venue_registry import venue_registry
from greenroom.synth.world import World

FeedWriter = Callable[[World, FeedContext], FeedResult]

FEEDS: tuple[FeedWriter, ...] = (
    musicbrainz_artists,
    spotify_artists,
    venue_registry,
    ticketmaster_venues,
    promoter_concerts,
    ticketmaster_events,
    crm_customers,
    box_office_sales,
    online_orders,
    stream_sales,
)

FEED_NAMES: tuple[str, ...] = tuple(f.__name__ for f in FEEDS)

__all__ = ["FEEDS", "FEED_NAMES", "FeedContext", "FeedResult", "FeedWriter"]
