"""The pipeline's jobs, one module each, in declaration order (ties in the graph run in
this order).

```
bronze.musicbrainz_artists, bronze.spotify_artists ─► artists ─┐
bronze.venue_registry, bronze.ticketmaster_venues ──► venues ──┤ silver.entity_xref
bronze.crm_customers ─────────────────────────────► customers ─┤
bronze.promoter_concerts, bronze.ticketmaster_events ─────────► concert_ids
bronze.box_office_sales, online_orders, stream_sales ─────────► ticket_sales
                                                                  └► concerts ─► venue_popularity,
                                                                                 artist_performance,
                                                                                 sales_daily
```
"""

from __future__ import annotations

from greenroom.pipeline.job import Job
from greenroom.pipeline.jobs import (
    artists,
    concert_ids,
    concerts,
    customers,
    gold,
    ticket_sales,
    venues,
)

JOBS: tuple[Job, ...] = (
    artists.JOB,
    venues.JOB,
    customers.JOB,
    concert_ids.JOB,
    ticket_sales.JOB,
    concerts.JOB,
    gold.VENUE_POPULARITY,
    gold.ARTIST_PERFORMANCE,
    gold.SALES_DAILY,
)
