-- One row per canonical concert. Survivorship: the promoter wins for start time and prices,
-- Ticketmaster fills the rest; cancelled if any source says so. A completed concert's
-- attendance and revenue are the sums over its silver ticket sales.
WITH ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY concert_id
            ORDER BY CASE source WHEN 'promoter_concerts' THEN 0 ELSE 1 END, _ingested_at DESC
        ) AS pick
    FROM stg_concerts
),
best AS (SELECT * FROM ranked WHERE pick = 1),
flags AS (
    SELECT concert_id, bool_or(is_cancelled) AS is_cancelled,
           min(_ingested_at) AS created_at, max(_ingested_at) AS updated_at
    FROM stg_concerts GROUP BY concert_id
),
sold AS (
    SELECT concert_id, sum(quantity) AS tickets, sum(quantity * unit_price) AS revenue
    FROM silver.ticket_sales GROUP BY concert_id
),
shaped AS (
    SELECT
        b.concert_id,
        b.artist_id,
        b.venue_id,
        b.event_date,
        map_from_entries(list_transform(
            list_filter(b.prices, lambda p: p.tier IS NOT NULL AND p.price IS NOT NULL),
            lambda p: {'k': p.tier, 'v': round(p.price, 2)}
        )) AS ticket_prices,
        CASE
            WHEN f.is_cancelled THEN 'cancelled'
            WHEN b.event_date < CAST((SELECT today FROM params) AS TIMESTAMPTZ) THEN 'completed'
            ELSE 'scheduled'
        END AS status,
        CAST(f.created_at AS TIMESTAMPTZ) AS created_at,
        CAST(f.updated_at AS TIMESTAMPTZ) AS updated_at
    FROM best AS b
    JOIN flags AS f USING (concert_id)
)
SELECT
    s.concert_id, s.artist_id, s.venue_id, s.event_date, s.ticket_prices,
    CASE WHEN s.status = 'completed' THEN CAST(coalesce(t.tickets, 0) AS INTEGER) END AS total_attendance,
    CASE WHEN s.status = 'completed' THEN coalesce(t.revenue, 0.0) END AS revenue,
    s.status, s.created_at, s.updated_at
FROM shaped AS s
LEFT JOIN sold AS t USING (concert_id)
