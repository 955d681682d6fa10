-- Concert records that make no concert, with the reason (for ops.silver_rejects).
SELECT
    'concert' AS entity_type,
    source,
    source_record_id,
    CAST(NULL AS VARCHAR) AS entity_id,
    reject_reason AS reason,
    reject_detail AS detail,
    _batch_id AS batch_id,
    CAST(_ingested_at AS TIMESTAMPTZ) AS ingested_at,
    (SELECT run_at FROM params) AS rejected_at
FROM stg_concerts
WHERE reject_reason IS NOT NULL
