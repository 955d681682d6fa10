-- The crosswalk: one row per source record resolved into a canonical entity.
SELECT 'artist' AS entity_type, artist_id AS entity_id, source, source_record_id FROM artist_map
UNION ALL
SELECT 'venue', venue_id, source, source_record_id FROM venue_map
UNION ALL
SELECT 'concert', concert_id, source, source_record_id FROM stg_concerts
UNION ALL
SELECT 'customer', customer_id, source, source_record_id FROM stg_customers
