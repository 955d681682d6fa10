-- Artist performance over completed concerts (docs/pipeline.md explains the scores).
-- fan_engagement_score (0-100) = 100 × (0.5 × mean attendance rate
--     + 0.3 × share of the artist's customers who came to two or more of its concerts
--     + 0.2 × popularity_score / 100), to two decimals.
-- growth_trend compares tickets per completed concert in the 365 days before today with the
-- 365 days before that: ≥ +10% growing, ≤ −10% declining, otherwise (or too little data) stable.
-- Only sales of completed concerts count (the job relies on it to skip reruns).
WITH done AS (
    SELECT c.*, v.capacity
    FROM silver.concerts AS c
    JOIN silver.venues AS v USING (venue_id)
    WHERE c.status = 'completed'
),
today AS (SELECT CAST(today AS TIMESTAMPTZ) AS t FROM params),
totals AS (
    SELECT
        artist_id,
        count(*) AS total_concerts,
        avg(total_attendance) AS avg_ticket_sales,
        sum(revenue) AS revenue_generated,
        avg(total_attendance / capacity) AS attendance_rate,
        avg(CASE WHEN event_date >= t - INTERVAL 365 DAY THEN total_attendance END) AS recent,
        avg(CASE WHEN event_date < t - INTERVAL 365 DAY
                  AND event_date >= t - INTERVAL 730 DAY THEN total_attendance END) AS previous
    FROM done, today
    GROUP BY artist_id
),
attended AS (
    SELECT DISTINCT concert_id, customer_id FROM silver.ticket_sales
),
loyalty AS (
    SELECT artist_id, avg(CASE WHEN shows >= 2 THEN 1.0 ELSE 0.0 END) AS repeat_share
    FROM (
        SELECT d.artist_id, a.customer_id, count(*) AS shows
        FROM attended AS a
        JOIN done AS d ON d.concert_id = a.concert_id
        GROUP BY d.artist_id, a.customer_id
    ) AS per_fan
    GROUP BY artist_id
)
SELECT
    a.artist_id,
    CAST(coalesce(t.total_concerts, 0) AS INTEGER) AS total_concerts,
    round(coalesce(t.avg_ticket_sales, 0.0), 2) AS avg_ticket_sales,
    round(coalesce(t.revenue_generated, 0.0), 2) AS revenue_generated,
    round(100 * (
        0.5 * coalesce(t.attendance_rate, 0)
        + 0.3 * coalesce(l.repeat_share, 0)
        + 0.2 * coalesce(a.popularity_score, 0) / 100
    ), 2) AS fan_engagement_score,
    CASE
        WHEN t.recent IS NULL OR t.previous IS NULL OR t.previous = 0 THEN 'stable'
        WHEN t.recent >= 1.1 * t.previous THEN 'growing'
        WHEN t.recent <= 0.9 * t.previous THEN 'declining'
        ELSE 'stable'
    END AS growth_trend,
    (SELECT run_at FROM params) AS calculated_at
FROM silver.artists AS a
LEFT JOIN totals AS t USING (artist_id)
LEFT JOIN loyalty AS l USING (artist_id)
