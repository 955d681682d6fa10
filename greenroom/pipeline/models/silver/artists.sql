-- One row per canonical artist. Survivorship: MusicBrainz wins for name, genres (by tag
-- count), formation date, members and country; Spotify supplies popularity and fills genres.
WITH src AS (
    SELECT s.*, m.artist_id
    FROM stg_artists AS s
    JOIN artist_map AS m USING (source, source_record_id)
),
mb AS (
    SELECT * FROM src WHERE source = 'musicbrainz_artists'
    QUALIFY row_number() OVER (PARTITION BY artist_id ORDER BY _ingested_at DESC, source_record_id) = 1
),
sp AS (
    SELECT * FROM src WHERE source = 'spotify_artists'
    QUALIFY row_number() OVER (PARTITION BY artist_id ORDER BY _ingested_at DESC, source_record_id) = 1
),
ids AS (SELECT DISTINCT artist_id FROM src)
SELECT
    ids.artist_id,
    coalesce(mb.name, sp.name) AS name,
    coalesce(nullif(mb.genres, []), sp.genres, []) AS genres,
    coalesce(nullif(mb.genres, []), sp.genres)[1] AS primary_genre,
    sp.popularity AS popularity_score,
    mb.formation_date,
    coalesce(mb.members, []) AS members,
    mb.country,
    sp.spotify_id,
    mb.musicbrainz_id,
    CAST(least(coalesce(mb._ingested_at, sp._ingested_at), coalesce(sp._ingested_at, mb._ingested_at)) AS TIMESTAMPTZ) AS created_at,
    CAST(greatest(coalesce(mb._ingested_at, sp._ingested_at), coalesce(sp._ingested_at, mb._ingested_at)) AS TIMESTAMPTZ) AS updated_at
FROM ids
LEFT JOIN mb USING (artist_id)
LEFT JOIN sp USING (artist_id)
