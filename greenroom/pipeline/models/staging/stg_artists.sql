-- Artists from every source in one shape, with the key they are matched on.
-- Foundation: an exact key (lower-cased, trimmed name); entity resolution replaces it.
SELECT * FROM (
SELECT
    'musicbrainz_artists' AS source,
    id AS source_record_id,
    trim(name) AS name,
    lower(trim(name)) AS match_key,
    list_transform(
        list_reverse_sort(list_transform(tags, lambda t: {'c': t."count", 'n': lower(trim(t.name))})),
        lambda x: x.n
    ) AS genres,
    CAST(NULL AS DOUBLE) AS popularity,
    CAST(try_strptime(life_span."begin", ['%Y-%m-%d', '%Y-%m', '%Y']) AS DATE) AS formation_date,
    list_transform(relations, lambda r: r.artist.name) AS members,
    upper(country) AS country,
    CAST(NULL AS VARCHAR) AS spotify_id,
    id AS musicbrainz_id,
    _ingested_at
FROM bronze.musicbrainz_artists
WHERE id IS NOT NULL AND nullif(trim(name), '') IS NOT NULL
UNION ALL
SELECT
    'spotify_artists' AS source,
    id AS source_record_id,
    trim(name) AS name,
    lower(trim(name)) AS match_key,
    list_transform(genres, lambda g: lower(trim(g))) AS genres,
    CAST(popularity AS DOUBLE) AS popularity,
    CAST(NULL AS DATE) AS formation_date,
    CAST(NULL AS VARCHAR[]) AS members,
    CAST(NULL AS VARCHAR) AS country,
    id AS spotify_id,
    CAST(NULL AS VARCHAR) AS musicbrainz_id,
    _ingested_at
FROM bronze.spotify_artists
WHERE id IS NOT NULL AND nullif(trim(name), '') IS NOT NULL
) AS latest
-- A record delivered again (a later file or API sync) replaces the earlier copy.
QUALIFY row_number() OVER (PARTITION BY source, source_record_id ORDER BY _ingested_at DESC) = 1
