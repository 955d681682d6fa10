"""Set-based SQL over silver tables: purchase history, concerts, per-pair features.

Every query runs on a `Reader`; the model and the evaluation add relations with
`reader.register` (`rec_pairs`, `rec_history`) and read features back as Arrow columns.
"""

from __future__ import annotations

CONCERTS = """
SELECT c.concert_id, c.artist_id, a.name AS artist, a.primary_genre AS genre,
       v.name AS venue, v.city, c.event_date, c.status,
       list_min(map_values(c.ticket_prices)) AS min_price,
       fs.first_sale
FROM silver.concerts c
JOIN silver.artists a ON a.artist_id = c.artist_id
JOIN silver.venues v ON v.venue_id = c.venue_id
LEFT JOIN (SELECT concert_id, min(purchase_timestamp) AS first_sale
           FROM silver.ticket_sales GROUP BY concert_id) fs ON fs.concert_id = c.concert_id
"""

PURCHASES = f"""
SELECT s.customer_id, s.concert_id, k.artist_id, k.genre, k.city,
       min(s.purchase_timestamp) AS bought_at, sum(s.quantity) AS tickets
FROM silver.ticket_sales s JOIN ({CONCERTS}) k ON k.concert_id = s.concert_id
WHERE k.status <> 'cancelled' AND s.purchase_timestamp < ?
GROUP BY ALL
"""
"""One row per customer × concert bought before the cut-off (the first parameter)."""

FEATURES = f"""
WITH hist AS (SELECT * FROM rec_history),
tot AS (SELECT customer_id, count(*) AS n FROM hist GROUP BY 1),
by_city AS (SELECT customer_id, city, count(*) AS n FROM hist GROUP BY 1, 2),
by_genre AS (SELECT customer_id, genre, count(*) AS n FROM hist GROUP BY 1, 2),
by_cg AS (SELECT customer_id, city, genre, count(*) AS n FROM hist GROUP BY 1, 2, 3),
sold AS (SELECT concert_id, purchase_timestamp AS ts,
                row_number() OVER (PARTITION BY concert_id ORDER BY purchase_timestamp) AS n
         FROM silver.ticket_sales),
p AS (SELECT p.*, k.artist_id, k.genre, k.city FROM rec_pairs p
      JOIN ({CONCERTS}) k ON k.concert_id = p.concert_id)
SELECT p.pair, p.customer_id, p.concert_id, p.artist_id, p.genre, p.city,
       coalesce(bc.n / t.n, 0.0) AS share_city,
       coalesce(bg.n / t.n, 0.0) AS share_genre,
       coalesce(bcg.n / t.n, 0.0) AS share_city_genre,
       coalesce(s.n, 0) AS sold_before
FROM p
LEFT JOIN tot t ON t.customer_id = p.customer_id
LEFT JOIN by_city bc ON bc.customer_id = p.customer_id AND bc.city = p.city
LEFT JOIN by_genre bg ON bg.customer_id = p.customer_id AND bg.genre = p.genre
LEFT JOIN by_cg bcg ON bcg.customer_id = p.customer_id AND bcg.city = p.city AND bcg.genre = p.genre
ASOF LEFT JOIN sold s ON s.concert_id = p.concert_id AND p.held_at > s.ts
ORDER BY p.pair
"""
"""Per pair of `rec_pairs(pair, customer_id, concert_id, held_at)`: the customer's shares of
past purchases (`rec_history`) in the concert's city, genre and both, and the tickets
transactions the concert had before `held_at` (its popularity at that moment)."""
