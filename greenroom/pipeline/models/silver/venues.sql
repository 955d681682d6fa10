-- One row per canonical venue. Survivorship: the registry wins for name, capacity, type,
-- coordinates and amenities; Ticketmaster supplies its id and fills what the registry lacks.
WITH src AS (
    SELECT s.*, m.venue_id, m.timezone AS venue_timezone
    FROM stg_venues AS s
    JOIN venue_map AS m USING (source, source_record_id)
),
reg AS (
    SELECT * FROM src WHERE source = 'venue_registry'
    QUALIFY row_number() OVER (PARTITION BY venue_id ORDER BY _ingested_at DESC, source_record_id) = 1
),
tm AS (
    SELECT * FROM src WHERE source = 'ticketmaster_venues'
    QUALIFY row_number() OVER (PARTITION BY venue_id ORDER BY _ingested_at DESC, source_record_id) = 1
),
ids AS (SELECT DISTINCT venue_id, venue_timezone FROM src)
SELECT
    ids.venue_id,
    coalesce(reg.name, tm.name) AS name,
    coalesce(reg.city, tm.city) AS city,
    coalesce(reg.region, tm.region) AS region,
    coalesce(reg.country, tm.country) AS country,
    coalesce(reg.latitude, tm.latitude) AS latitude,
    coalesce(reg.longitude, tm.longitude) AS longitude,
    coalesce(reg.capacity, tm.capacity) AS capacity,
    coalesce(reg.venue_type, CASE
        WHEN tm.capacity >= 10000 THEN 'arena' WHEN tm.capacity >= 1500 THEN 'theater' ELSE 'club'
    END) AS venue_type,
    coalesce(reg.amenities, []) AS amenities,
    tm.ticketmaster_id,
    ids.venue_timezone AS timezone,
    CAST(least(coalesce(reg._ingested_at, tm._ingested_at), coalesce(tm._ingested_at, reg._ingested_at)) AS TIMESTAMPTZ) AS created_at,
    CAST(greatest(coalesce(reg._ingested_at, tm._ingested_at), coalesce(tm._ingested_at, reg._ingested_at)) AS TIMESTAMPTZ) AS updated_at
FROM ids
LEFT JOIN reg USING (venue_id)
LEFT JOIN tm USING (venue_id)
