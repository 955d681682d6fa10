-- Venues from the registry and from Ticketmaster in one shape, one row per source record
-- (the latest delivery). Countries become ISO alpha-2 codes. The venues job then repairs
-- mojibake in names and flags coordinates far from the venue's city before resolution.
SELECT * FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY source, source_record_id ORDER BY _ingested_at DESC, _batch_id DESC
        ) AS delivery
    FROM (
        SELECT
            'venue_registry' AS source,
            r.registry_id AS source_record_id,
            trim(r.venue_name) AS name,
            trim(r.city) AS city,
            nullif(trim(r.region), '') AS region,
            coalesce(c.iso2, upper(trim(r.country))) AS country,
            TRY_CAST(r.latitude AS DOUBLE) AS latitude,
            TRY_CAST(r.longitude AS DOUBLE) AS longitude,
            TRY_CAST(r.capacity AS INTEGER) AS capacity,
            lower(trim(r.venue_type)) AS venue_type,
            list_filter(
                list_transform(string_split(coalesce(r.amenities, ''), ';'), lambda a: trim(a)),
                lambda a: a <> ''
            ) AS amenities,
            CAST(NULL AS VARCHAR) AS timezone,
            r._ingested_at,
            r._batch_id
        FROM bronze.venue_registry AS r
        LEFT JOIN ref_countries AS c ON lower(c.name) = lower(trim(r.country))
        WHERE r.registry_id IS NOT NULL AND nullif(trim(r.venue_name), '') IS NOT NULL
        UNION ALL
        SELECT
            'ticketmaster_venues' AS source,
            v.id AS source_record_id,
            trim(v.name) AS name,
            trim(v.city.name) AS city,
            nullif(trim(v.state.name), '') AS region,
            upper(trim(v.country.countryCode)) AS country,
            TRY_CAST(v.location.latitude AS DOUBLE) AS latitude,
            TRY_CAST(v.location.longitude AS DOUBLE) AS longitude,
            TRY_CAST(v.capacity AS INTEGER) AS capacity,
            CAST(NULL AS VARCHAR) AS venue_type,
            CAST(NULL AS VARCHAR[]) AS amenities,
            nullif(trim(v.timezone), '') AS timezone,
            v._ingested_at,
            v._batch_id
        FROM bronze.ticketmaster_venues AS v
        WHERE v.id IS NOT NULL AND nullif(trim(v.name), '') IS NOT NULL
    ) AS records
) AS deliveries
WHERE delivery = 1
