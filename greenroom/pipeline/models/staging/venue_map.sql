-- Source venue record → canonical venue id, plus the venue's IANA time zone.
WITH ids AS (
    SELECT *, 'ven_' || left(md5(match_key), 12) AS venue_id FROM stg_venues
),
zones AS (
    SELECT
        i.venue_id,
        coalesce(max(i.timezone), max(rc.timezone)) AS timezone
    FROM ids AS i
    LEFT JOIN ref_cities AS rc
        ON lower(rc.city) = lower(i.city) AND rc.country = i.country
    GROUP BY i.venue_id
)
SELECT i.source, i.source_record_id, i.venue_id, z.timezone
FROM ids AS i
JOIN zones AS z USING (venue_id)
