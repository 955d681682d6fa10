-- Ticket sales of the box office, the web shop and the live stream in one shape: USD
-- amounts (at the rate valid on the purchase date), UTC timestamps (the exports' several
-- formats), canonical concert and customer ids through silver.entity_xref. Only rows of
-- the batches being processed (`sales_batches`) are read. Every row comes out once:
-- `is_replay` marks a repeat of a sale delivered earlier (same feed and sale key; the
-- first delivery wins, and `seen_sales` holds the sales earlier runs already placed), and
-- `reject_reason` says why a sale cannot enter silver (null: it can).
WITH box_office AS (
    SELECT
        'box_office_sales' AS source,
        transaction_id AS source_record_id,
        transaction_id AS sale_key,
        'promoter_concerts' AS concert_source,
        event_ref AS concert_ref,
        customer_ref,
        nullif(trim(tier), '') AS price_tier,
        TRY_CAST(qty AS INTEGER) AS quantity,
        TRY_CAST(unit_price AS DOUBLE) AS amount,
        upper(coalesce(nullif(trim(currency), ''), 'USD')) AS currency,
        timezone('UTC', try_strptime(
            trim(purchased_at),
            ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S',
             '%m/%d/%Y %I:%M:%S %p', '%Y-%m-%d %H:%M', '%d/%m/%Y %H:%M', '%m/%d/%Y %I:%M %p']
        )) AS purchase_timestamp,
        lower(nullif(trim(customer_segment), '')) AS customer_segment,
        'box_office' AS channel,
        _ingested_at,
        _batch_id
    FROM bronze.box_office_sales
    WHERE _batch_id IN (SELECT batch_id FROM sales_batches)
),
online AS (
    SELECT
        'online_orders', order_id, order_id, 'promoter_concerts', concert_ref, customer_id,
        nullif(trim(tier), ''), TRY_CAST(quantity AS INTEGER), TRY_CAST(unit_price AS DOUBLE),
        upper(coalesce(nullif(trim(currency), ''), 'USD')), TRY_CAST(ordered_at AS TIMESTAMPTZ),
        lower(nullif(trim(segment), '')), 'online', _ingested_at, _batch_id
    FROM bronze.online_orders
    WHERE _batch_id IN (SELECT batch_id FROM sales_batches)
),
stream AS (
    SELECT
        'stream_sales', event_id, sale_id, 'ticketmaster_events', event_ref, customer_id,
        nullif(trim(tier), ''), TRY_CAST(quantity AS INTEGER), TRY_CAST(unit_price AS DOUBLE),
        upper(coalesce(nullif(trim(currency), ''), 'USD')), TRY_CAST(occurred_at AS TIMESTAMPTZ),
        CAST(NULL AS VARCHAR), 'stream', _ingested_at, _batch_id
    FROM bronze.stream_sales
    WHERE _batch_id IN (SELECT batch_id FROM sales_batches)
),
deliveries AS (
    SELECT
        u.*,
        CASE WHEN u.sale_key IS NOT NULL
             THEN 'sal_' || left(md5(u.source || ':' || u.sale_key), 16) END AS sale_id,
        row_number() OVER (
            PARTITION BY u.source, coalesce(u.sale_key, u.source_record_id)
            ORDER BY u._ingested_at, u._batch_id, u.source_record_id
        ) AS delivery
    FROM (
        SELECT * FROM box_office
        UNION ALL SELECT * FROM online
        UNION ALL SELECT * FROM stream
    ) AS u
),
concert_map AS (
    SELECT source, source_record_id, entity_id AS concert_id
    FROM silver.entity_xref WHERE entity_type = 'concert'
),
customer_map AS (
    SELECT x.source_record_id, x.entity_id AS customer_id, c.segment
    FROM silver.entity_xref AS x
    JOIN silver.customers AS c ON c.customer_id = x.entity_id
    WHERE x.entity_type = 'customer' AND x.source = 'crm_customers'
),
mapped AS (
    SELECT
        d.*,
        cm.concert_id,
        cu.customer_id,
        coalesce(d.customer_segment, cu.segment) AS segment,
        round(d.amount * fx.usd_per_unit, 2) AS usd,
        fx.usd_per_unit,
        lost_concert.reason AS concert_lost,
        lost_customer.reason AS customer_lost,
        d.delivery > 1 OR seen.sale_id IS NOT NULL AS is_replay
    FROM deliveries AS d
    LEFT JOIN concert_map AS cm
        ON cm.source = d.concert_source AND cm.source_record_id = d.concert_ref
    LEFT JOIN customer_map AS cu ON cu.source_record_id = d.customer_ref
    LEFT JOIN ref_fx_rates AS fx
        ON fx.currency = d.currency
        AND CAST(d.purchase_timestamp AS DATE) >= fx.valid_from
        AND CAST(d.purchase_timestamp AS DATE) < fx.valid_to
    LEFT JOIN unmatched_refs AS lost_concert
        ON lost_concert.source = d.concert_source AND lost_concert.source_record_id = d.concert_ref
    LEFT JOIN unmatched_refs AS lost_customer
        ON lost_customer.source = 'crm_customers' AND lost_customer.source_record_id = d.customer_ref
    LEFT JOIN seen_sales AS seen ON seen.sale_id = d.sale_id
)
SELECT
    source,
    source_record_id,
    sale_id,
    concert_id,
    customer_id,
    price_tier,
    quantity,
    usd AS unit_price,
    purchase_timestamp,
    segment AS customer_segment,
    channel,
    _ingested_at,
    _batch_id,
    is_replay,
    CASE
        WHEN sale_key IS NULL THEN 'missing_sale_id'
        WHEN concert_ref IS NULL THEN 'missing_concert'
        WHEN concert_id IS NULL THEN coalesce('concert_' || concert_lost, 'concert_unknown')
        WHEN customer_ref IS NULL THEN 'missing_customer'
        WHEN customer_id IS NULL THEN coalesce('customer_' || customer_lost, 'customer_unknown')
        WHEN quantity IS NULL OR quantity < 1 THEN 'invalid_quantity'
        WHEN purchase_timestamp IS NULL THEN 'invalid_timestamp'
        WHEN usd_per_unit IS NULL THEN 'unknown_currency'
        WHEN amount IS NULL OR amount <= 0 THEN 'invalid_price'
        WHEN price_tier IS NULL THEN 'missing_tier'
    END AS reject_reason,
    CASE
        WHEN concert_id IS NULL THEN concert_source || ':' || coalesce(concert_ref, '∅')
        WHEN customer_id IS NULL THEN 'crm_customers:' || coalesce(customer_ref, '∅')
        WHEN usd_per_unit IS NULL AND purchase_timestamp IS NOT NULL THEN currency
    END AS reject_detail
FROM mapped
