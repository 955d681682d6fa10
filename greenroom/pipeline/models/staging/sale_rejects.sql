-- Sales that cannot enter silver.ticket_sales, with the reason (for ops.silver_rejects).
-- Replays are not rejects: they are the same sale delivered again.
SELECT
    'ticket_sale' AS entity_type,
    source,
    source_record_id,
    sale_id AS entity_id,
    reject_reason AS reason,
    reject_detail AS detail,
    _batch_id AS batch_id,
    CAST(_ingested_at AS TIMESTAMPTZ) AS ingested_at,
    (SELECT run_at FROM params) AS rejected_at
FROM stg_sales
WHERE reject_reason IS NOT NULL AND NOT is_replay
