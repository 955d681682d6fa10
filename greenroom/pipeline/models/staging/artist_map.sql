-- Source artist record → canonical artist id. Same key, same id, on every run.
SELECT source, source_record_id, match_key, 'art_' || left(md5(match_key), 12) AS artist_id
FROM stg_artists
