-- Artists from every source in one shape, one row per source record (a record delivered
-- again by a later file or API sync replaces the earlier copy). Genres are as the source
-- spells them (MusicBrainz tags by count, highest first); the artists job then repairs
-- mojibake in names and maps genres onto the canonical taxonomy before resolution.
SELECT * FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY source, source_record_id ORDER BY _ingested_at DESC, _batch_id DESC
        ) AS delivery
    FROM (
        SELECT
            'musicbrainz_artists' AS source,
            id AS source_record_id,
            trim(name) AS name,
            list_transform(
                list_reverse_sort(list_transform(tags, lambda t: {'c': t."count", 'n': trim(t.name)})),
                lambda x: x.n
            ) AS genres,
            CAST(NULL AS DOUBLE) AS popularity,
            CAST(try_strptime(life_span."begin", ['%Y-%m-%d', '%Y-%m', '%Y']) AS DATE) AS formation_date,
            length(life_span."begin") AS formation_precision,
            list_transform(relations, lambda r: r.artist.name) AS members,
            upper(nullif(trim(country), '')) AS country,
            _ingested_at,
            _batch_id
        FROM bronze.musicbrainz_artists
        WHERE id IS NOT NULL AND nullif(trim(name), '') IS NOT NULL
        UNION ALL
        SELECT
            'spotify_artists' AS source,
            id AS source_record_id,
            trim(name) AS name,
            list_transform(genres, lambda g: trim(g)) AS genres,
            CAST(popularity AS DOUBLE) AS popularity,
            CAST(NULL AS DATE) AS formation_date,
            CAST(NULL AS INTEGER) AS formation_precision,
            CAST(NULL AS VARCHAR[]) AS members,
            CAST(NULL AS VARCHAR) AS country,
            _ingested_at,
            _batch_id
        FROM bronze.spotify_artists
        WHERE id IS NOT NULL AND nullif(trim(name), '') IS NOT NULL
    ) AS records
) AS deliveries
WHERE delivery = 1
