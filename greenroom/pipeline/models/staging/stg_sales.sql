-- Ticket sales from the box office, the web shop and the live stream, in USD and UTC,
-- on canonical concert and customer ids. A replayed order or event appears once.
WITH box_office AS (
    SELECT
        'box_office_sales' AS source,
        transaction_id AS source_record_id,
        transaction_id AS sale_key,
        event_ref AS concert_ref,
        'promoter_concerts' AS concert_source,
        customer_ref AS customer_ref,
        tier AS price_tier,
        TRY_CAST(qty AS INTEGER) AS quantity,
        TRY_CAST(unit_price AS DOUBLE) AS amount,
        coalesce(currency, 'USD') AS currency,
        timezone('UTC', try_strptime(
            trim(purchased_at),
            ['%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M',
             '%d/%m/%Y %H:%M', '%m/%d/%Y %I:%M %p']
        )) AS purchase_timestamp,
        customer_segment AS customer_segment,
        'box_office' AS channel,
        _ingested_at
    FROM bronze.box_office_sales
),
online AS (
    SELECT
        'online_orders', order_id, order_id, concert_ref, 'promoter_concerts', customer_id,
        tier, TRY_CAST(quantity AS INTEGER), TRY_CAST(unit_price AS DOUBLE),
        coalesce(currency, 'USD'), TRY_CAST(ordered_at AS TIMESTAMPTZ), segment, 'online',
        _ingested_at
    FROM bronze.online_orders
),
stream AS (
    SELECT
        'stream_sales', event_id, sale_id, event_ref, 'ticketmaster_events', customer_id,
        tier, TRY_CAST(quantity AS INTEGER), TRY_CAST(unit_price AS DOUBLE),
        coalesce(currency, 'USD'), TRY_CAST(occurred_at AS TIMESTAMPTZ), NULL, 'stream',
        _ingested_at
    FROM bronze.stream_sales
),
unioned AS (
    SELECT * FROM box_office
    UNION ALL
    SELECT * FROM online
    UNION ALL
    SELECT * FROM stream
)
SELECT
    u.source,
    u.source_record_id,
    'sal_' || left(md5(u.source || ':' || u.sale_key), 16) AS sale_id,
    cm.concert_id,
    cu.customer_id,
    u.price_tier,
    u.quantity,
    round(u.amount * fx.usd_per_unit, 2) AS unit_price,
    u.purchase_timestamp,
    coalesce(lower(u.customer_segment), cu.segment) AS customer_segment,
    u.channel,
    u._ingested_at
FROM unioned AS u
LEFT JOIN (SELECT DISTINCT source, source_record_id, concert_id FROM stg_concerts) AS cm
    ON cm.source = u.concert_source AND cm.source_record_id = u.concert_ref
LEFT JOIN stg_customers AS cu ON cu.source_record_id = u.customer_ref
LEFT JOIN ref_fx_rates AS fx ON fx.currency = u.currency
WHERE u.sale_key IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY u.source, u.sale_key ORDER BY u._ingested_at) = 1
