-- One row per canonical artist (survivorship rules: docs/entity-resolution.md).
-- Name: the cluster's display name (artist_names). MusicBrainz wins for genres (tags by
-- count), formation date, members and country: among several MusicBrainz records the most
-- precise formation date, then the latest delivery. Spotify supplies popularity (the
-- latest delivery) and the genres when MusicBrainz has none. Source ids: the smallest
-- record id of each source in the cluster.
WITH src AS (
    SELECT s.*, m.artist_id
    FROM stg_artists AS s
    JOIN artist_map AS m USING (source, source_record_id)
),
mb AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY artist_id
                ORDER BY formation_precision DESC NULLS LAST, _ingested_at DESC, source_record_id
            ) AS pick
        FROM src
        WHERE source = 'musicbrainz_artists'
    ) AS ranked
    WHERE pick = 1
),
sp AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY artist_id ORDER BY _ingested_at DESC, source_record_id
            ) AS pick
        FROM src
        WHERE source = 'spotify_artists'
    ) AS ranked
    WHERE pick = 1
),
cluster AS (
    SELECT
        artist_id,
        min(CASE WHEN source = 'musicbrainz_artists' THEN source_record_id END) AS musicbrainz_id,
        min(CASE WHEN source = 'spotify_artists' THEN source_record_id END) AS spotify_id,
        min(_ingested_at) AS created_at,
        max(_ingested_at) AS updated_at
    FROM src
    GROUP BY artist_id
),
chosen AS (
    SELECT
        c.*,
        n.name,
        CASE WHEN len(mb.genres) > 0 THEN mb.genres ELSE coalesce(sp.genres, []) END AS genres,
        sp.popularity,
        mb.formation_date,
        mb.members,
        mb.country
    FROM cluster AS c
    JOIN artist_names AS n ON n.entity_id = c.artist_id
    LEFT JOIN mb USING (artist_id)
    LEFT JOIN sp USING (artist_id)
)
SELECT
    artist_id,
    name,
    genres,
    genres[1] AS primary_genre,
    popularity AS popularity_score,
    formation_date,
    coalesce(members, []) AS members,
    country,
    spotify_id,
    musicbrainz_id,
    CAST(created_at AS TIMESTAMPTZ) AS created_at,
    CAST(updated_at AS TIMESTAMPTZ) AS updated_at
FROM chosen
