-- One row per canonical venue (survivorship rules: docs/entity-resolution.md).
-- Name: the cluster's display name (venue_names). The registry wins for city, region,
-- country, capacity, type and amenities, Ticketmaster fills what it lacks (type from
-- capacity). Coordinates: the registry's when plausible for its city, else Ticketmaster's,
-- else the registry's. Ticketmaster supplies its id and the time zone (else the city's).
WITH src AS (
    SELECT s.*, m.venue_id
    FROM stg_venues AS s
    JOIN venue_map AS m USING (source, source_record_id)
),
reg AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY venue_id ORDER BY _ingested_at DESC, source_record_id
            ) AS pick
        FROM src
        WHERE source = 'venue_registry'
    ) AS ranked
    WHERE pick = 1
),
tm AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY venue_id ORDER BY _ingested_at DESC, source_record_id
            ) AS pick
        FROM src
        WHERE source = 'ticketmaster_venues'
    ) AS ranked
    WHERE pick = 1
),
cluster AS (
    SELECT
        venue_id,
        min(CASE WHEN source = 'ticketmaster_venues' THEN source_record_id END) AS ticketmaster_id,
        min(_ingested_at) AS created_at,
        max(_ingested_at) AS updated_at
    FROM src
    GROUP BY venue_id
),
chosen AS (
    SELECT
        c.*,
        n.name,
        coalesce(reg.city, tm.city) AS city,
        coalesce(reg.region, tm.region) AS region,
        coalesce(reg.country, tm.country) AS country,
        CASE WHEN reg.latitude IS NOT NULL AND reg.longitude IS NOT NULL
                  AND coalesce(reg.coords_plausible, TRUE) THEN reg.latitude
             ELSE coalesce(tm.latitude, reg.latitude) END AS latitude,
        CASE WHEN reg.latitude IS NOT NULL AND reg.longitude IS NOT NULL
                  AND coalesce(reg.coords_plausible, TRUE) THEN reg.longitude
             ELSE coalesce(tm.longitude, reg.longitude) END AS longitude,
        coalesce(reg.capacity, tm.capacity) AS capacity,
        coalesce(reg.venue_type, CASE
            WHEN tm.capacity >= 10000 THEN 'arena'
            WHEN tm.capacity >= 1500 THEN 'theater'
            ELSE 'club'
        END) AS venue_type,
        coalesce(reg.amenities, []) AS amenities,
        tm.timezone AS tm_timezone
    FROM cluster AS c
    JOIN venue_names AS n ON n.entity_id = c.venue_id
    LEFT JOIN reg USING (venue_id)
    LEFT JOIN tm USING (venue_id)
)
SELECT
    ch.venue_id,
    ch.name,
    ch.city,
    ch.region,
    ch.country,
    ch.latitude,
    ch.longitude,
    ch.capacity,
    ch.venue_type,
    ch.amenities,
    ch.ticketmaster_id,
    coalesce(ch.tm_timezone, rc.timezone) AS timezone,
    CAST(ch.created_at AS TIMESTAMPTZ) AS created_at,
    CAST(ch.updated_at AS TIMESTAMPTZ) AS updated_at
FROM chosen AS ch
LEFT JOIN ref_cities AS rc ON lower(rc.city) = lower(ch.city) AND rc.country = ch.country
