-- Venue popularity. attendance rate = mean over completed concerts of attendance / capacity;
-- booking frequency = non-cancelled concerts per year of the calendar the data covers;
-- rank 1 = most tickets sold per year at completed concerts (ties: higher attendance rate).
-- Averages are rounded (rates to 1e-6, USD to the cent) so reruns give identical rows.
WITH span AS (
    SELECT greatest(date_diff('day', min(event_date), max(event_date)) / 365.25, 1.0) AS years
    FROM silver.concerts
),
per_venue AS (
    SELECT
        v.venue_id,
        avg(CASE WHEN c.status = 'completed' THEN c.total_attendance / v.capacity END) AS avg_attendance_rate,
        avg(CASE WHEN c.status = 'completed' THEN c.revenue END) AS revenue_per_event,
        count(CASE WHEN c.status <> 'cancelled' THEN 1 END) AS booked,
        sum(CASE WHEN c.status = 'completed' THEN c.total_attendance ELSE 0 END) AS tickets
    FROM silver.venues AS v
    LEFT JOIN silver.concerts AS c USING (venue_id)
    GROUP BY v.venue_id
)
SELECT
    venue_id,
    CAST(rank() OVER (ORDER BY tickets / span.years DESC, avg_attendance_rate DESC NULLS LAST) AS INTEGER)
        AS popularity_rank,
    round(coalesce(avg_attendance_rate, 0.0), 6) AS avg_attendance_rate,
    round(coalesce(revenue_per_event, 0.0), 2) AS revenue_per_event,
    booked / span.years AS booking_frequency,
    (SELECT run_at FROM params) AS calculated_at
FROM per_venue, span
