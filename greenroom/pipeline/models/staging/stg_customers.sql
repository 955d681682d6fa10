-- CRM customers, one row per CRM id (the latest delivery). The canonical id is derived
-- from the CRM id, so it is the same on every run. Dates in any of the export's formats;
-- countries as ISO alpha-2. The customers job repairs mojibake in `full_name`.
SELECT * FROM (
    SELECT
        'crm_customers' AS source,
        c.customer_id AS source_record_id,
        'cus_' || left(md5(c.customer_id), 12) AS customer_id,
        trim(concat_ws(' ', trim(c.first_name), trim(c.last_name))) AS full_name,
        lower(trim(c.email)) AS email,
        CAST(try_strptime(
            trim(c.birth_date),
            ['%Y-%m-%d', '%d.%m.%Y', '%d %b %Y', '%Y/%m/%d', '%d/%m/%Y']
        ) AS DATE) AS birth_date,
        trim(c.city) AS city,
        coalesce(rc.iso2, upper(trim(c.country))) AS country,
        lower(trim(c.segment)) AS segment,
        c._ingested_at,
        c._batch_id,
        row_number() OVER (
            PARTITION BY c.customer_id ORDER BY c._ingested_at DESC, c._batch_id DESC
        ) AS delivery
    FROM bronze.crm_customers AS c
    LEFT JOIN ref_countries AS rc ON lower(rc.name) = lower(trim(c.country))
    WHERE c.customer_id IS NOT NULL
) AS deliveries
WHERE delivery = 1
