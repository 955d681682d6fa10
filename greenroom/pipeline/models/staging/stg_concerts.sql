-- Concert records of the promoter feed and of Ticketmaster on canonical ids, one row per
-- source record (the latest delivery). A concert is one show at one venue on one local
-- day (a venue hosts at most one show a day), so the two feeds meet on venue + local date:
-- concert_id = 'con_' + md5(venue_id | local date)[:12], the same on every run while the
-- venue keeps its id. The concert's artist is the promoter's when it resolves (by
-- MusicBrainz id, else by name through the artists' unambiguous name keys), else
-- Ticketmaster's. Start times become UTC with the venue's time zone; prices become USD at
-- the rate valid on the show's local date. `reject_reason` says why a record makes no
-- concert (null: it does); such records go to ops.silver_rejects.
WITH artist_lookup AS (
    SELECT match_key, min(entity_id) AS artist_id
    FROM silver.entity_xref
    WHERE entity_type = 'artist' AND match_key IS NOT NULL
    GROUP BY match_key
    HAVING count(DISTINCT entity_id) = 1
),
resolved AS (
    SELECT source, source_record_id, entity_id
    FROM silver.entity_xref
    WHERE entity_type IN ('artist', 'venue')
),
promoter AS (
    SELECT
        'promoter_concerts' AS source,
        p.id AS source_record_id,
        coalesce(by_id.entity_id, by_name.artist_id) AS artist_id,
        venue.entity_id AS venue_id,
        try_strptime(
            trim(p.date),
            ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%d/%m/%Y %H:%M',
             '%m/%d/%Y %I:%M %p']
        ) AS local_start,
        CAST(NULL AS TIMESTAMPTZ) AS utc_start,
        CAST(NULL AS VARCHAR) AS source_timezone,
        lower(trim(p.status)) = 'cancelled' AS is_cancelled,
        upper(coalesce(nullif(trim(p.currency), ''), 'USD')) AS currency,
        list_transform(p.prices, lambda t: {'tier': trim(t.tier), 'amount': TRY_CAST(t.price AS DOUBLE)})
            AS amounts,
        p._ingested_at,
        p._batch_id
    FROM bronze.promoter_concerts AS p
    LEFT JOIN resolved AS by_id
        ON by_id.source = 'musicbrainz_artists' AND by_id.source_record_id = nullif(trim(p.artist_mbid), '')
    LEFT JOIN concert_artist_keys AS k ON k.name = p.artist
    LEFT JOIN artist_lookup AS by_name ON by_name.match_key = k.match_key
    LEFT JOIN resolved AS venue
        ON venue.source = 'venue_registry' AND venue.source_record_id = p.venue_ref
    WHERE p.id IS NOT NULL
),
ticketmaster AS (
    SELECT
        'ticketmaster_events' AS source,
        e.id AS source_record_id,
        coalesce(by_id.entity_id, by_name.artist_id) AS artist_id,
        venue.entity_id AS venue_id,
        try_strptime(
            e.dates."start".localDate || ' ' || coalesce(e.dates."start".localTime, '00:00:00'),
            '%Y-%m-%d %H:%M:%S'
        ) AS local_start,
        TRY_CAST(e.dates."start".dateTime AS TIMESTAMPTZ) AS utc_start,
        nullif(trim(e.dates.timezone), '') AS source_timezone,
        lower(e.dates.status.code) = 'cancelled' AS is_cancelled,
        upper(coalesce(e.priceRanges[1].currency, 'USD')) AS currency,
        list_transform(e.priceRanges, lambda r: {'tier': trim(r."type"), 'amount': CAST(r."min" AS DOUBLE)})
            AS amounts,
        e._ingested_at,
        e._batch_id
    FROM bronze.ticketmaster_events AS e
    LEFT JOIN resolved AS by_id
        ON by_id.source = 'musicbrainz_artists'
        AND by_id.source_record_id = e._embedded.attractions[1].externalLinks.musicbrainz[1].id
    LEFT JOIN concert_artist_keys AS k ON k.name = e._embedded.attractions[1].name
    LEFT JOIN artist_lookup AS by_name ON by_name.match_key = k.match_key
    LEFT JOIN resolved AS venue
        ON venue.source = 'ticketmaster_venues' AND venue.source_record_id = e._embedded.venues[1].id
    WHERE e.id IS NOT NULL
),
latest AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY source, source_record_id ORDER BY _ingested_at DESC, _batch_id DESC
            ) AS delivery
        FROM (SELECT * FROM promoter UNION ALL SELECT * FROM ticketmaster) AS both_feeds
    ) AS deliveries
    WHERE delivery = 1
),
keyed AS (
    SELECT
        l.*,
        coalesce(v.timezone, l.source_timezone) AS timezone,
        fx.usd_per_unit,
        CASE WHEN l.venue_id IS NOT NULL AND l.local_start IS NOT NULL
             THEN 'con_' || left(md5(l.venue_id || '|' || strftime(l.local_start, '%Y-%m-%d')), 12)
        END AS concert_key
    FROM latest AS l
    LEFT JOIN silver.venues AS v ON v.venue_id = l.venue_id
    LEFT JOIN ref_fx_rates AS fx
        ON fx.currency = l.currency
        AND CAST(l.local_start AS DATE) >= fx.valid_from
        AND CAST(l.local_start AS DATE) < fx.valid_to
),
artist_of AS (
    SELECT concert_key, artist_id FROM (
        SELECT
            concert_key,
            artist_id,
            row_number() OVER (
                PARTITION BY concert_key
                ORDER BY CASE source WHEN 'promoter_concerts' THEN 0 ELSE 1 END,
                         _ingested_at DESC, source_record_id
            ) AS pick
        FROM keyed
        WHERE concert_key IS NOT NULL AND artist_id IS NOT NULL AND usd_per_unit IS NOT NULL
    ) AS candidates
    WHERE pick = 1
)
SELECT
    k.source,
    k.source_record_id,
    CASE WHEN k.usd_per_unit IS NOT NULL AND a.artist_id IS NOT NULL THEN k.concert_key END
        AS concert_id,
    a.artist_id,
    k.venue_id,
    k.timezone,
    k.local_start,
    coalesce(k.utc_start, timezone(coalesce(k.timezone, 'UTC'), k.local_start)) AS event_date,
    k.is_cancelled,
    list_transform(
        list_filter(k.amounts, lambda p: p.tier IS NOT NULL AND p.amount IS NOT NULL),
        lambda p: {'tier': p.tier, 'price': round(p.amount * k.usd_per_unit, 2)}
    ) AS prices,
    k._ingested_at,
    k._batch_id,
    CASE
        WHEN k.venue_id IS NULL THEN 'venue_unresolved'
        WHEN k.local_start IS NULL THEN 'bad_date'
        WHEN k.usd_per_unit IS NULL THEN 'unknown_currency'
        WHEN a.artist_id IS NULL THEN 'artist_unresolved'
    END AS reject_reason,
    CASE
        WHEN k.venue_id IS NULL THEN 'venue reference not resolved'
        WHEN k.local_start IS NULL THEN 'start date not parsed'
        WHEN k.usd_per_unit IS NULL THEN 'no exchange rate for ' || k.currency
        WHEN a.artist_id IS NULL THEN 'no record of this show names a resolved artist'
    END AS reject_detail
FROM keyed AS k
LEFT JOIN artist_of AS a USING (concert_key)
