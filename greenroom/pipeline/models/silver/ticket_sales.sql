-- Valid sales only: a known concert and customer, at least one ticket, a positive price,
-- a purchase time. (The ingestion contracts quarantine the rest with reasons.)
SELECT
    sale_id, concert_id, customer_id, price_tier, quantity, unit_price, purchase_timestamp,
    customer_segment, channel,
    CAST(_ingested_at AS TIMESTAMPTZ) AS created_at
FROM stg_sales
WHERE concert_id IS NOT NULL
  AND customer_id IS NOT NULL
  AND quantity >= 1
  AND unit_price > 0
  AND purchase_timestamp IS NOT NULL
  AND price_tier IS NOT NULL
