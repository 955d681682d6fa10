-- One row per concert. The promoter's record wins for the artist, start time and prices,
-- Ticketmaster's fills in; a concert is cancelled when any of its records says so, else
-- completed when its local date is before the reference date, else scheduled. For a
-- completed concert, attendance and revenue are the sums over its silver.ticket_sales
-- (revenue to the cent: the same on every run, whatever order the sum was taken in).
WITH records AS (
    SELECT * FROM stg_concerts WHERE reject_reason IS NULL
),
best AS (
    SELECT * FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY concert_id
                ORDER BY CASE source WHEN 'promoter_concerts' THEN 0 ELSE 1 END,
                         _ingested_at DESC, source_record_id
            ) AS pick
        FROM records
    ) AS ranked
    WHERE pick = 1
),
cluster AS (
    SELECT
        concert_id,
        bool_or(is_cancelled) AS is_cancelled,
        min(CASE WHEN source = 'promoter_concerts' THEN source_record_id END) AS promoter_id,
        min(CASE WHEN source = 'ticketmaster_events' THEN source_record_id END) AS ticketmaster_event_id,
        min(_ingested_at) AS created_at,
        max(_ingested_at) AS updated_at
    FROM records
    GROUP BY concert_id
),
sold AS (
    SELECT concert_id, sum(quantity) AS tickets, sum(quantity * unit_price) AS revenue
    FROM silver.ticket_sales
    GROUP BY concert_id
),
shaped AS (
    SELECT
        b.concert_id,
        b.artist_id,
        b.venue_id,
        b.event_date,
        b.local_start,
        b.timezone,
        b.prices,
        CASE
            WHEN c.is_cancelled THEN 'cancelled'
            WHEN CAST(b.local_start AS DATE) < (SELECT today FROM params) THEN 'completed'
            ELSE 'scheduled'
        END AS status,
        c.promoter_id,
        c.ticketmaster_event_id,
        c.created_at,
        c.updated_at
    FROM best AS b
    JOIN cluster AS c USING (concert_id)
)
SELECT
    s.concert_id,
    s.artist_id,
    s.venue_id,
    s.event_date,
    map_from_entries(list_transform(s.prices, lambda p: {'k': p.tier, 'v': p.price}))
        AS ticket_prices,
    CASE WHEN s.status = 'completed' THEN CAST(coalesce(t.tickets, 0) AS INTEGER) END
        AS total_attendance,
    CASE WHEN s.status = 'completed' THEN round(coalesce(t.revenue, 0.0), 2) END AS revenue,
    s.status,
    CAST(s.created_at AS TIMESTAMPTZ) AS created_at,
    CAST(s.updated_at AS TIMESTAMPTZ) AS updated_at,
    s.local_start,
    s.timezone,
    s.promoter_id,
    s.ticketmaster_event_id
FROM shaped AS s
LEFT JOIN sold AS t USING (concert_id)
