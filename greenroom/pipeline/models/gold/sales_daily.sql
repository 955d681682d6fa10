-- Tickets and revenue by concert date (the UTC date of the show's start, as every time
-- filter of the metrics), artist, venue, price tier and channel: the base of the
-- dashboard. Concerts of every status are kept, with `concert_status`, so the metrics'
-- default (sales of cancelled concerts excluded) is one filter. concert_id is implied by
-- date + venue (a venue hosts one show a day) and kept for joins. Revenue in USD, to the
-- cent. Sales are summed per concert, tier and channel first, then given the concert's
-- attributes (one join per group instead of one per sale).
WITH sold AS (
    SELECT
        concert_id,
        price_tier,
        channel,
        count(*) AS transactions,
        sum(quantity) AS tickets,
        sum(quantity * unit_price) AS revenue
    FROM silver.ticket_sales
    GROUP BY concert_id, price_tier, channel
)
SELECT
    CAST(c.event_date AS DATE) AS event_date,
    c.artist_id,
    c.venue_id,
    s.price_tier,
    s.channel,
    c.concert_id,
    c.status AS concert_status,
    s.transactions,
    CAST(s.tickets AS BIGINT) AS tickets_sold,
    round(s.revenue, 2) AS revenue,
    (SELECT run_at FROM params) AS calculated_at
FROM sold AS s
JOIN silver.concerts AS c ON c.concert_id = s.concert_id
