-- Venues from the registry and from Ticketmaster in one shape, matched on name + city.
SELECT * FROM (
SELECT
    'venue_registry' AS source,
    r.registry_id AS source_record_id,
    trim(r.venue_name) AS name,
    trim(r.city) AS city,
    nullif(trim(r.region), '') AS region,
    coalesce(c.iso2, upper(r.country)) AS country,
    TRY_CAST(r.latitude AS DOUBLE) AS latitude,
    TRY_CAST(r.longitude AS DOUBLE) AS longitude,
    TRY_CAST(r.capacity AS INTEGER) AS capacity,
    lower(trim(r.venue_type)) AS venue_type,
    list_transform(string_split(coalesce(r.amenities, ''), ';'), lambda a: trim(a)) AS amenities,
    CAST(NULL AS VARCHAR) AS timezone,
    CAST(NULL AS VARCHAR) AS ticketmaster_id,
    lower(trim(r.venue_name)) || '|' || lower(trim(r.city)) AS match_key,
    r._ingested_at
FROM bronze.venue_registry AS r
LEFT JOIN ref_countries AS c ON lower(c.name) = lower(trim(r.country))
WHERE r.registry_id IS NOT NULL AND nullif(trim(r.venue_name), '') IS NOT NULL
UNION ALL
SELECT
    'ticketmaster_venues' AS source,
    v.id AS source_record_id,
    trim(v.name) AS name,
    trim(v.city.name) AS city,
    v.state.name AS region,
    upper(v.country.countryCode) AS country,
    TRY_CAST(v.location.latitude AS DOUBLE) AS latitude,
    TRY_CAST(v.location.longitude AS DOUBLE) AS longitude,
    TRY_CAST(v.capacity AS INTEGER) AS capacity,
    CAST(NULL AS VARCHAR) AS venue_type,
    CAST(NULL AS VARCHAR[]) AS amenities,
    v.timezone AS timezone,
    v.id AS ticketmaster_id,
    lower(trim(v.name)) || '|' || lower(trim(v.city.name)) AS match_key,
    v._ingested_at
FROM bronze.ticketmaster_venues AS v
WHERE v.id IS NOT NULL AND nullif(trim(v.name), '') IS NOT NULL
) AS latest
-- A record delivered again (a later file or API sync) replaces the earlier copy.
QUALIFY row_number() OVER (PARTITION BY source, source_record_id ORDER BY _ingested_at DESC) = 1
