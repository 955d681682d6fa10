-- The sales that enter silver: not a replay, no reject reason (see stg_sales). Besides the
-- contract's columns each row keeps its source record and batch.
SELECT
    sale_id,
    concert_id,
    customer_id,
    price_tier,
    quantity,
    unit_price,
    purchase_timestamp,
    customer_segment,
    channel,
    CAST(_ingested_at AS TIMESTAMPTZ) AS created_at,
    source,
    source_record_id,
    _batch_id AS batch_id
FROM stg_sales
WHERE reject_reason IS NULL AND NOT is_replay
