-- Concerts from the promoter feed and from Ticketmaster, on canonical artist and venue ids.
-- A concert is one artist at one venue on one local day.
WITH promoter AS (
    SELECT
        'promoter_concerts' AS source,
        p.id AS source_record_id,
        coalesce(mb.artist_id, byname.artist_id) AS artist_id,
        vm.venue_id,
        vm.timezone,
        try_strptime(
            trim(p.date),
            ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%d/%m/%Y %H:%M', '%m/%d/%Y %I:%M %p']
        ) AS local_start,
        CAST(NULL AS TIMESTAMPTZ) AS utc_start,
        lower(p.status) = 'cancelled' AS is_cancelled,
        list_transform(
            p.prices,
            lambda t: {'tier': t.tier, 'price': TRY_CAST(t.price AS DOUBLE) * coalesce(fx.usd_per_unit, 1.0)}
        ) AS prices,
        p._ingested_at
    FROM bronze.promoter_concerts AS p
    LEFT JOIN artist_map AS mb
        ON mb.source = 'musicbrainz_artists' AND mb.source_record_id = p.artist_mbid
    LEFT JOIN (SELECT DISTINCT match_key, artist_id FROM artist_map) AS byname
        ON byname.match_key = lower(trim(p.artist))
    LEFT JOIN venue_map AS vm
        ON vm.source = 'venue_registry' AND vm.source_record_id = p.venue_ref
    LEFT JOIN ref_fx_rates AS fx ON fx.currency = coalesce(p.currency, 'USD')
    WHERE p.id IS NOT NULL
),
ticketmaster AS (
    SELECT
        'ticketmaster_events' AS source,
        e.id AS source_record_id,
        coalesce(mb.artist_id, byname.artist_id) AS artist_id,
        vm.venue_id,
        coalesce(e.dates.timezone, vm.timezone) AS timezone,
        try_strptime(
            e.dates."start".localDate || ' ' || coalesce(e.dates."start".localTime, '00:00:00'),
            '%Y-%m-%d %H:%M:%S'
        ) AS local_start,
        TRY_CAST(e.dates."start".dateTime AS TIMESTAMPTZ) AS utc_start,
        lower(e.dates.status.code) = 'cancelled' AS is_cancelled,
        list_transform(
            e.priceRanges,
            lambda r: {'tier': r.type, 'price': CAST(r.min AS DOUBLE) * coalesce(fx.usd_per_unit, 1.0)}
        ) AS prices,
        e._ingested_at
    FROM bronze.ticketmaster_events AS e
    LEFT JOIN artist_map AS mb
        ON mb.source = 'musicbrainz_artists'
        AND mb.source_record_id = e._embedded.attractions[1].externalLinks.musicbrainz[1].id
    LEFT JOIN (SELECT DISTINCT match_key, artist_id FROM artist_map) AS byname
        ON byname.match_key = lower(trim(e._embedded.attractions[1].name))
    LEFT JOIN venue_map AS vm
        ON vm.source = 'ticketmaster_venues' AND vm.source_record_id = e._embedded.venues[1].id
    LEFT JOIN ref_fx_rates AS fx ON fx.currency = coalesce(e.priceRanges[1].currency, 'USD')
    WHERE e.id IS NOT NULL
),
unioned AS (
    SELECT * FROM (SELECT * FROM promoter UNION ALL SELECT * FROM ticketmaster) AS both_feeds
    -- A record delivered again (a later file or API sync) replaces the earlier copy.
    QUALIFY row_number() OVER (PARTITION BY source, source_record_id ORDER BY _ingested_at DESC) = 1
)
SELECT
    *,
    'con_' || left(md5(artist_id || '|' || venue_id || '|' || strftime(local_start, '%Y-%m-%d')), 12)
        AS concert_id,
    coalesce(utc_start, timezone(coalesce(timezone, 'UTC'), local_start)) AS event_date
FROM unioned
WHERE artist_id IS NOT NULL AND venue_id IS NOT NULL AND local_start IS NOT NULL
